import { checkRunbooks, type CheckOptions } from '../core/runbooks/check.ts';
import { formatRunbookProblem } from '../core/runbooks/problem.ts';
import type { RunbookFile } from '../ports/runbooks.ts';
import type { CliIo } from './io.ts';

export interface RunbooksCheckContext extends CheckOptions {
  /** Printed before each file's path (`runbooks/`), so lines point at files from the working directory. */
  root?: string | undefined;
}

/** `opsdeck runbooks check`: exit 0 with `N runbooks OK`, or 2 with one `file:line: message` per problem. */
export function runbooksCheck(io: CliIo, files: readonly RunbookFile[], ctx: RunbooksCheckContext): number {
  if (files.length === 0) {
    io.err(`no runbooks found${ctx.root ? ` in ${ctx.root}` : ''}`);
    return 2;
  }
  const problems = checkRunbooks(files, ctx);
  for (const problem of problems) io.err(formatRunbookProblem(problem, ctx.root));
  if (problems.length) return 2;
  io.out(`${files.length} runbook${files.length === 1 ? '' : 's'} OK`);
  return 0;
}
