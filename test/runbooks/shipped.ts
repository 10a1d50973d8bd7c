import { commands } from '../../commands/index.ts';
import { resolve } from 'node:path';
import { FsRunbookSource } from '../../src/adapters/runbooks-fs/index.ts';
import { parseRunbooks, type Runbook } from '../../src/core/runbooks/parse.ts';
import { ofFamilies } from '../../src/core/runbooks/steps.ts';
import type { RunbookFile } from '../../src/ports/runbooks.ts';

export const RUNBOOKS_DIR = resolve(import.meta.dirname, '../../runbooks');

/** The runbooks shipped in `runbooks/`, as files and parsed. */
export async function shippedRunbooks(): Promise<{ files: RunbookFile[]; runbooks: Runbook[] }> {
  const files = await new FsRunbookSource(RUNBOOKS_DIR).list();
  const { runbooks, problems } = parseRunbooks(files, ofFamilies(commands.map((c) => c.family)));
  if (problems.length) throw new Error(`shipped runbooks do not parse: ${JSON.stringify(problems)}`);
  return { files, runbooks };
}
