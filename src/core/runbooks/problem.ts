/** Something wrong in a runbook, located by file and 1-based line. */
export interface RunbookProblem {
  file: string;
  line: number;
  message: string;
}

/** `runbooks/high-5xx.md:12: unknown service "apu" (did you mean "api"?)`; `root` prefixes the path. */
export function formatRunbookProblem(problem: RunbookProblem, root = ''): string {
  const prefix = root === '' || root.endsWith('/') ? root : `${root}/`;
  return `${prefix}${problem.file}:${problem.line}: ${problem.message}`;
}
