/** One markdown runbook as a source holds it. */
export interface RunbookFile {
  /** Relative to the source's root, with `/` separators: `high-5xx-rate.md`, `db/connections.md`. */
  path: string;
  text: string;
  /** Where a person can read the source (a GitHub page); absent when there is no useful link. */
  url?: string | undefined;
}

/** A runbook file as listed, before its text is read. */
export interface RunbookEntry {
  path: string;
  /** Changes whenever the text does: the git blob sha, or the file's modification time and size. */
  version: string;
  url?: string | undefined;
}

/** Where runbooks come from: the `runbooks/` folder or a path in a GitHub repository. */
export interface RunbookSource {
  /** For messages and logs: `runbooks/`, `github:acme/ops/runbooks@main`. */
  describe(): string;
  list(): Promise<RunbookFile[]>;
  /**
   * The files with their versions but not their text, and `read` for one of them: with both, a reload
   * reads and re-indexes only the files whose version changed.
   */
  entries?(): Promise<RunbookEntry[]>;
  read?(entry: RunbookEntry): Promise<RunbookFile>;
}
