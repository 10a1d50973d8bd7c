/** One markdown runbook as a source holds it. */
export interface RunbookFile {
  /** Relative to the source's root, with `/` separators: `high-5xx-rate.md`, `db/connections.md`. */
  path: string;
  text: string;
  /** Where a person can read the source (a GitHub page); absent when there is no useful link. */
  url?: string | undefined;
}

/** Where runbooks come from: the `runbooks/` folder or a path in a GitHub repository. */
export interface RunbookSource {
  /** For messages and logs: `runbooks/`, `github:acme/ops/runbooks@main`. */
  describe(): string;
  list(): Promise<RunbookFile[]>;
}
