import { FsRunbookSource } from '../adapters/runbooks-fs/index.ts';
import { GitHubRunbookSource } from '../adapters/runbooks-github/index.ts';
import type { OpsdeckConfig } from '../config/schema.ts';
import { parseDuration } from '../core/duration.ts';
import { RunbookLibrary } from '../core/runbooks/library.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { BackendClients } from './clients.ts';

// Loaded with the first large library: a bot whose people never search runbooks never loads it.
const indexOnThread = async (expected: number) =>
  (await import('../adapters/runbook-index-thread/index.ts')).startThreadIndexBuild(expected);

/** Runbooks from a GitHub repo path (on the shared Octokit) when configured, else from the local folder. */
export function createRunbookLibrary(options: {
  config: OpsdeckConfig;
  clients: Pick<BackendClients, 'github'>;
  log: Logger;
  clock: Clock;
  families: readonly string[];
}): RunbookLibrary {
  const conf = options.config.runbooks;
  const maxAgeMs = parseDuration(conf?.refresh ?? '10m') ?? 600_000;
  const log = options.log.child({ component: 'runbooks' });
  const source = conf?.github
    ? new GitHubRunbookSource(options.clients.github(), conf.github, { ttlMs: maxAgeMs, log, clock: options.clock })
    : new FsRunbookSource(conf?.path ?? 'runbooks');
  return new RunbookLibrary(source, {
    families: options.families,
    log,
    maxAgeMs,
    clock: options.clock,
    indexElsewhere: indexOnThread,
  });
}
