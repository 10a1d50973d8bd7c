import { join } from 'node:path';
import { SqliteAuditReader } from '../adapters/store-sqlite/audit-reader.ts';
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
export function openAuditLog(settings: Pick<Settings, 'databaseUrl' | 'dataDir'>): AuditLog {
  if (settings.databaseUrl) {
    throw new Error(
      'DATABASE_URL is set, but this build of opsdeck has no PostgreSQL store yet; ' +
        'unset it to use the embedded SQLite store.',
    );
  }
  return SqliteAuditReader.open(join(settings.dataDir, 'opsdeck.db'));
}
