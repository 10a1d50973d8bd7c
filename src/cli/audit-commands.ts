import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { StoreNotFoundError } from '../adapters/store-sqlite/audit-reader.ts';
import { StoreOpenError } from '../adapters/store-sqlite/store-open-error.ts';
import type { AuditLog } from '../compose/audit-log.ts';
import type { Settings } from '../config/settings.ts';
import { verifyChain } from '../core/audit-chain.ts';
import { parseSince } from '../core/duration.ts';
import type { CliIo } from './io.ts';

type StoreSettings = Pick<Settings, 'databaseUrl' | 'dataDir'>;

/**
 * Opens the audit log for `command` and hands it to `use`; when there is none, says where it looked,
 * which variables choose that place, and exits 2, having created nothing.
 */
export async function withAuditLog(
  io: CliIo,
  command: string,
  settings: StoreSettings,
  open: (settings: StoreSettings) => AuditLog | Promise<AuditLog>,
  use: (log: AuditLog) => Promise<number>,
): Promise<number> {
  let log: AuditLog;
  try {
    log = await open(settings);
  } catch (err) {
    if (err instanceof StoreNotFoundError) {
      io.err(missingStore(command, err.path, settings.dataDir));
      return 2;
    }
    if (err instanceof StoreOpenError) {
      io.err(`opsdeck ${command}: ${err.message}`);
      return 2;
    }
    throw err;
  }
  try {
    return await use(log);
  } finally {
    await log.close();
  }
}

function missingStore(command: string, path: string, dataDir: string): string {
  const lines = [
    `opsdeck ${command}: no store at ${path}, so there is no audit log to read (nothing was created).`,
    `The store is opsdeck.db in OPSDECK_DATA_DIR (here ${dataDir}; default .opsdeck); DATABASE_URL is not set.`,
    'Point OPSDECK_DATA_DIR at the folder the bot writes to.',
  ];
  // The sandbox's folder holds its kubeconfig; its store is one level down, in data/.
  if (existsSync(join(dataDir, 'data', 'opsdeck.db')) || basename(dataDir) === 'sandbox') {
    lines.push(`The sandbox keeps its store in ${join(dataDir, 'data')}: OPSDECK_DATA_DIR=${join(dataDir, 'data')}`);
  }
  return lines.join('\n');
}

/**
 * `opsdeck audit verify`: exit 0 when the chain is intact, 1 naming the first bad entry. An empty log
 * fails too unless `allowEmpty`: the bot writes entries as soon as it is used, so an empty log is a
 * wrong store (or one emptied), not a clean one.
 */
export async function auditVerify(io: CliIo, log: AuditLog, opts: { allowEmpty: boolean }): Promise<number> {
  const verdict = await verifyChain(log.readAudit());
  if (verdict.ok && verdict.count === 0 && !opts.allowEmpty) {
    io.err(
      `audit log EMPTY: ${log.path} has no entries. A store the bot has used always has some: check that ` +
        'OPSDECK_DATA_DIR points at the right store, or pass --allow-empty if this one is new.',
    );
    return 1;
  }
  if (verdict.ok) {
    const head = verdict.head ? `; head #${verdict.head.seq} ${verdict.head.hash}` : '';
    io.out(`audit log intact: ${verdict.count} entries verified${head} (${log.path})`);
    return 0;
  }
  const before = `${verdict.count} entries before it verified; ${log.path}`;
  io.err(`audit log TAMPERED at entry #${verdict.seq}: ${verdict.problem} (${before})`);
  return 1;
}

/** `opsdeck audit export --since 7d --format jsonl`: one JSON record per line, oldest first. */
export async function auditExport(
  io: CliIo,
  log: Pick<AuditLog, 'readAudit'>,
  opts: { since?: string; format?: string; now: Date },
): Promise<number> {
  const format = opts.format ?? 'jsonl';
  if (format !== 'jsonl') {
    io.err(`unsupported --format ${format}; use jsonl`);
    return 2;
  }
  const since = opts.since ? parseSince(opts.since, opts.now) : undefined;
  if (opts.since && !since) {
    io.err(`--since ${opts.since} is not a duration (24h, 7d) or an ISO time`);
    return 2;
  }
  const from = since?.toISOString();
  for await (const record of log.readAudit()) {
    if (from && record.at < from) continue;
    io.out(JSON.stringify(record));
  }
  return 0;
}
