import { verifyChain } from '../core/audit-chain.ts';
import { parseSince } from '../core/duration.ts';
import type { Store } from '../ports/store.ts';
import type { CliIo } from './io.ts';

/** `opsdeck audit verify`: exit 0 when the chain is intact, 1 naming the first bad entry. */
export async function auditVerify(io: CliIo, store: Store): Promise<number> {
  const verdict = await verifyChain(store.readAudit());
  if (verdict.ok) {
    const head = verdict.head ? `; head #${verdict.head.seq} ${verdict.head.hash}` : '';
    io.out(`audit log intact: ${verdict.count} entries verified${head}`);
    return 0;
  }
  io.err(`audit log TAMPERED at entry #${verdict.seq}: ${verdict.problem} (${verdict.count} entries before it verified)`);
  return 1;
}

/** `opsdeck audit export --since 7d --format jsonl`: one JSON record per line, oldest first. */
export async function auditExport(io: CliIo, store: Store, opts: { since?: string; format?: string; now: Date }): Promise<number> {
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
  for await (const record of store.readAudit()) {
    if (from && record.at < from) continue;
    io.out(JSON.stringify(record));
  }
  return 0;
}
