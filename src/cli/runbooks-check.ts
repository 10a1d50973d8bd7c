import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { commands } from '../../commands/index.ts';
import { FsRunbookSource } from '../adapters/runbooks-fs/index.ts';
import { loadConfigFile } from '../config/load.ts';
import { readSettings } from '../config/settings.ts';
import type { Catalog } from '../core/catalog.ts';
import { bindTokens } from '../core/parse-args.ts';
import { Registry } from '../core/registry.ts';
import { checkRunbooks, type CheckOptions } from '../core/runbooks/check.ts';
import { parseRunbook } from '../core/runbooks/parse.ts';
import { formatRunbookProblem } from '../core/runbooks/problem.ts';
import { ofFamilies } from '../core/runbooks/steps.ts';
import { tokenize } from '../core/tokenize.ts';
import type { RunbookFile } from '../ports/runbooks.ts';
import type { CliIo } from './io.ts';

type Env = Readonly<Record<string, string | undefined>>;

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

/**
 * `opsdeck runbooks check [dir]` against the config (OPSDECK_CONFIG or ./opsdeck.yaml). With neither
 * (a fresh clone), structure and steps are still checked, and the output says services were not.
 */
export async function runbooksCheckCommand(io: CliIo, args: string[], env: Env): Promise<number> {
  const { configPath } = readSettings(env);
  const registry = new Registry(commands);
  if (!env.OPSDECK_CONFIG?.trim() && !existsSync(configPath)) {
    const dir = args[0] ?? 'runbooks';
    const files = await new FsRunbookSource(dir).list();
    io.out(
      `No ${configPath} here and no OPSDECK_CONFIG: checking structure and steps; services and environments ` +
        'are not checked (set OPSDECK_CONFIG to check them against your config).',
    );
    return runbooksCheck(io, files, { catalog: namesUsedBy(files, registry), registry, root: dir });
  }
  const config = await loadConfigFile(configPath);
  const dir = args[0] ?? config.runbooks?.path ?? 'runbooks';
  const files = await new FsRunbookSource(dir).list();
  return runbooksCheck(io, files, { catalog: config, registry, root: relative('.', dir) || '.' });
}

/** A catalog of every service and environment the runbooks name, so only the rest of each step is judged. */
function namesUsedBy(files: readonly RunbookFile[], registry: Registry): Catalog {
  const names = { service: new Set<string>(), env: new Set<string>() };
  const isStep = ofFamilies(registry.families());
  for (const file of files) {
    const runbook = parseRunbook(file, isStep).runbook;
    for (const service of runbook?.services ?? []) names.service.add(service);
    for (const step of runbook?.steps ?? []) {
      try {
        const { spec, rest } = registry.resolve(step.family, tokenize(step.text));
        const raw = bindTokens(spec, rest);
        for (const p of spec.positionals) {
          const value = raw[p.name];
          if (p.kind && typeof value === 'string') names[p.kind].add(value);
        }
      } catch {
        // A step that does not parse is reported by the check itself.
      }
    }
  }
  const entries = (set: Set<string>) => Object.fromEntries([...set].map((name) => [name, {}]));
  return { services: entries(names.service), environments: entries(names.env) };
}
