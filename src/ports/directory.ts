/** Who is in a user group. Implementations cache; an unknown or unreachable group has no members. */
export interface Directory {
  groupMembers(handle: string): Promise<ReadonlySet<string>>;
}
