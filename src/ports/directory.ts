/** Who is in a user group. Implementations cache; an unknown or unreachable group has no members. */
export interface Directory {
  groupMembers(handle: string): Promise<ReadonlySet<string>>;
  /** The group's id, for mentions that notify its members; undefined when unknown. */
  groupId(handle: string): Promise<string | undefined>;
}
