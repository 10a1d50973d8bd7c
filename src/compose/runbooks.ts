import { createOctokit } from '../adapters/github/index.ts';
import { FsRunbookSource } from '../adapters/runbooks-fs/index.ts';
import { GitHubRunbookSource } from '../adapters/runbooks-github/index.ts';
import type { OpsdeckConfig } from '../config/schema.ts';
import type { Settings } from '../config/settings.ts';
import { parseDuration } from '../core/duration.ts';
import { RunbookLibrary } from '../core/runbooks/library.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';

/** Runbooks from a GitHub repo path when configured, else from the local folder. */
export function createRunbookLibrary(deps: {
  config: OpsdeckConfig;
  settings: Settings;
  log: Logger;
  clock: Clock;
  families: readonly string[];
}): RunbookLibrary {
  const conf = deps.config.runbooks;
  const maxAgeMs = parseDuration(conf?.refresh ?? '10m') ?? 600_000;
  const log = deps.log.child({ component: 'runbooks' });
  const source = conf?.github
    ? new GitHubRunbookSource(
        createOctokit({ baseUrl: deps.settings.github.apiUrl, token: deps.settings.github.token, log }),
        conf.github,
        { ttlMs: maxAgeMs, log, clock: deps.clock },
      )
    : new FsRunbookSource(conf?.path ?? 'runbooks');
  return new RunbookLibrary(source, { families: deps.families, log, maxAgeMs, clock: deps.clock });
}
