import { join } from 'node:path';
import { PostgresAuditReader } from '../adapters/store-postgres/audit-reader.ts';
import { DatabaseUrlError } from '../adapters/store-postgres/connection.ts';
import { PostgresOpenError } from '../adapters/store-postgres/postgres-store.ts';
import { SqliteAuditReader } from '../adapters/store-sqlite/audit-reader.ts';
import { StoreOpenError } from '../adapters/store-sqlite/store-open-error.ts';
import type { Settings } from '../config/settings.ts';
import type { AuditRecord } from '../core/audit-chain.ts';

/** An existing store's audit log, read-only: what `opsdeck audit verify` and `export` read. */
export interface AuditLog {
  /** Where it was found, shown so a wrong store is noticed. */
  readonly path: string;
  readAudit(): AsyncIterable<AuditRecord>;
  close(): Promise<void>;
}

/** The store `openStore` would open, without creating or migrating it. */
export async function openAuditLog(settings: Pick<Settings, 'databaseUrl' | 'dataDir'>): Promise<AuditLog> {
  if (!settings.databaseUrl) return SqliteAuditReader.open(join(settings.dataDir, 'opsdeck.db'));
  try {
    return await PostgresAuditReader.open(settings.databaseUrl);
  } catch (err) {
    if (err instanceof PostgresOpenError || err instanceof DatabaseUrlError) throw new StoreOpenError(err.message);
    throw err;
  }
}
