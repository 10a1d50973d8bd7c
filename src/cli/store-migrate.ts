import { join } from 'node:path';
import { DatabaseUrlError } from '../adapters/store-postgres/connection.ts';
import { TargetNotEmptyError } from '../adapters/store-postgres/import.ts';
import { PostgresOpenError, PostgresStore } from '../adapters/store-postgres/postgres-store.ts';
import { StoreNotFoundError } from '../adapters/store-sqlite/audit-reader.ts';
import { SqliteSnapshot } from '../adapters/store-sqlite/snapshot.ts';
import { StoreOpenError } from '../adapters/store-sqlite/store-open-error.ts';
import type { Settings } from '../config/settings.ts';
import { verifyChain } from '../core/audit-chain.ts';
import type { Clock } from '../ports/clock.ts';
import { STORE_TABLES, type StoreTable, tableName } from '../ports/store-contents.ts';
import type { CliIo } from './io.ts';

/**
 * `opsdeck store migrate`: copies the SQLite store in OPSDECK_DATA_DIR (only read) into the empty
 * PostgreSQL store DATABASE_URL names, then verifies the audit chain there. Exit 0 when copied and
 * intact, 1 when the copied chain does not verify (nor did the source's), 2 when nothing was copied.
 */
export async function storeMigrate(
  io: CliIo,
  settings: Pick<Settings, 'databaseUrl' | 'dataDir'>,
  clock: Clock,
  opts: { progressEvery?: number } = {},
): Promise<number> {
  const fail = (message: string) => {
    io.err(`opsdeck store migrate: ${message}`);
    return 2;
  };
  if (!settings.databaseUrl)
    return fail('set DATABASE_URL to the PostgreSQL store to copy into (its schema must hold no store yet).');
  let source: SqliteSnapshot;
  try {
    source = await SqliteSnapshot.take(join(settings.dataDir, 'opsdeck.db'), clock);
  } catch (err) {
    if (err instanceof StoreNotFoundError)
      return fail(`no store at ${err.path}: point OPSDECK_DATA_DIR at the folder the bot writes to.`);
    if (err instanceof StoreOpenError) return fail(err.message);
    throw err;
  }
  try {
    let target: PostgresStore;
    try {
      target = await PostgresStore.open(settings.databaseUrl, clock);
    } catch (err) {
      if (err instanceof PostgresOpenError || err instanceof DatabaseUrlError) return fail(err.message);
      throw err;
    }
    try {
      return await copyInto(io, source, target, opts.progressEvery ?? 10_000);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

async function copyInto(io: CliIo, source: SqliteSnapshot, target: PostgresStore, every: number): Promise<number> {
  const where = target.target.display;
  io.err(`copying ${source.path} into ${where}`);
  let shown = 0;
  const progress = (table: StoreTable, done: number, total: number) => {
    if (done === total || done - shown >= every) {
      io.err(`  ${tableName(table)}: ${done} of ${total}`);
      shown = done === total ? 0 : done;
    }
  };
  let copied: Record<StoreTable, number>;
  try {
    copied = await target.importContents(source, progress);
  } catch (err) {
    if (!(err instanceof TargetNotEmptyError)) throw err;
    io.err(
      `opsdeck store migrate: ${where} is not empty: ${err.message}. Nothing was copied: it copies only into ` +
        'an empty store. Point DATABASE_URL at another database, or at a new schema with ?schema=name.',
    );
    return 2;
  }
  io.out(`copied ${STORE_TABLES.map((t) => `${copied[t]} ${tableName(t)}`).join(', ')} into ${where}`);
  const verdict = await verifyChain(target.readAudit());
  if (!verdict.ok) {
    io.err(
      `audit log copied as it was, but it does NOT verify: entry #${verdict.seq} ${verdict.problem}. ` +
        `Run opsdeck audit verify on ${source.path} too: the source is the same.`,
    );
    return 1;
  }
  const head = verdict.head ? `; head #${verdict.head.seq} ${verdict.head.hash}` : '';
  io.out(`audit log intact: ${verdict.count} entries verified${head}`);
  return 0;
}
