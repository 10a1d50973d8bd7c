import { join } from 'node:path';
import { openSqliteStore } from '../adapters/store-sqlite/worker-store.ts';
import type { Settings } from '../config/settings.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';

/**
 * Picks the store from the environment: PostgreSQL when DATABASE_URL is set (shared by replicas; its
 * schema is migrated here), else SQLite on disk. It loads little of its own, so `opsdeck start` can open
 * the store while the rest of the bot loads.
 */
export async function openStore(
  settings: Pick<Settings, 'databaseUrl' | 'dataDir'>,
  clock: Clock,
  log?: Pick<Logger, 'warn'>,
): Promise<Store> {
  if (settings.databaseUrl) {
    // Loaded only here: a bot on SQLite never loads pg.
    const { PostgresStore } = await import('../adapters/store-postgres/postgres-store.ts');
    return PostgresStore.open(settings.databaseUrl, clock, {
      onIdleError: (err) => log?.warn({ err }, 'an idle PostgreSQL connection failed; the pool opens another'),
    });
  }
  return openSqliteStore(join(settings.dataDir, 'opsdeck.db'), clock);
}
