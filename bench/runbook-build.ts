import { startThreadIndexBuild } from '../src/adapters/runbook-index-thread/index.ts';
import { FsRunbookSource } from '../src/adapters/runbooks-fs/index.ts';
import { RunbookLibrary } from '../src/core/runbooks/library.ts';
import { systemClock } from '../src/ports/clock.ts';
import type { Logger } from '../src/ports/logger.ts';
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

/** Loads the library of `dir` once; its wall and CPU time (both threads), loading the parsers included. */
export async function timeBuild(dir: string): Promise<{ wall: number; cpu: number }> {
  const library = benchLibrary(dir);
  const [wall0, cpu0] = [performance.now(), cpuMs()];
  await library.index();
  return { wall: performance.now() - wall0, cpu: cpuMs() - cpu0 };
}

// Run bundled (built-runbook-build.ts): prints the timing of one load of the folder given.
if (process.argv[1] === import.meta.filename) {
  process.stdout.write(JSON.stringify(await timeBuild(process.argv[2]!)));
}
