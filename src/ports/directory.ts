/** Who is in a user group. Implementations cache; an unknown group has no members. */
export interface Directory {
  /** Throws `DirectoryUnavailable` when the group cannot be looked up and nothing is known of it. */
  groupMembers(handle: string): Promise<ReadonlySet<string>>;
  /** The group's id, for mentions that notify its members; undefined when unknown. */
  groupId(handle: string): Promise<string | undefined>;
}

/** The directory could not say who is in a group: membership is unknown, which is neither yes nor no. */
export class DirectoryUnavailable extends Error {
  constructor(handle: string, options?: { cause?: unknown }) {
    super(`the members of @${handle} could not be looked up`, options);
    this.name = 'DirectoryUnavailable';
  }
}
