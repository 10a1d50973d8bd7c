import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startThreadIndexBuild } from '../src/adapters/runbook-index-thread/index.ts';
import { FsRunbookSource } from '../src/adapters/runbooks-fs/index.ts';
import { RunbookLibrary } from '../src/core/runbooks/library.ts';
import { systemClock } from '../src/ports/clock.ts';
import type { Logger } from '../src/ports/logger.ts';
import { ROOT } from './compiled-bot.ts';
import { cpuMs } from './stats.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** The runbook library of the folder `dir`, as the bot makes it: indexed on its thread from 1,000 runbooks. */
export const benchLibrary = (dir: string) =>
  new RunbookLibrary(new FsRunbookSource(dir), {
    families: ['ops', 'runbook', 'logs', 'deploy', 'rollback', 'scale'],
    log: silent,
    maxAgeMs: 3_600_000,
    clock: systemClock,
    indexElsewhere: startThreadIndexBuild,
  });

/** Loads the library of `dir` once; its wall and CPU time (both threads). */
export async function timeBuild(dir: string): Promise<{ wall: number; cpu: number }> {
  const library = benchLibrary(dir);
  // The parsers load with the first runbooks; from source, through tsx, that is a compile the built bot
  // does not do, so they are loaded before the clock starts.
  await import('../src/core/runbooks/parse.ts');
  const [wall0, cpu0] = [performance.now(), cpuMs()];
  await library.index();
  return { wall: performance.now() - wall0, cpu: cpuMs() - cpu0 };
}

/** `timeBuild` in a fresh process started with `flags`: nothing of an earlier build is warm in it. */
export function timeBuildInProcess(dir: string, flags: readonly string[]): { wall: number; cpu: number } {
  const run = spawnSync(process.execPath, [...flags, '--import', 'tsx', join(ROOT, 'bench/runbook-build.ts'), dir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`the runbook build failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { wall: number; cpu: number };
}

if (process.argv[1] === import.meta.filename) {
  process.stdout.write(JSON.stringify(await timeBuild(process.argv[2]!)));
}
