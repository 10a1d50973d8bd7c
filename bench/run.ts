import { ackLatency } from './ack-latency.ts';
import { auditAppend } from './audit-append.ts';
import { deployAck } from './deploy-ack.ts';
import { limitsOverhead } from './limits.ts';
import { liveTail } from './live-tail.ts';
import { logFollow } from './log-follow.ts';
import { pgAudit } from './pg-audit.ts';
import { redaction } from './redaction.ts';
import { followsBench } from './follows.ts';
import { footprint } from './footprint.ts';
import { runbookSearch } from './runbook-search.ts';
import { startup } from './startup.ts';

// Each benchmark measures opsdeck against a baseline in the same process and prints the ratio:
// absolute numbers on a shared machine mean little, ratios measured side by side do.
const benches: Record<string, () => Promise<string[]>> = {
  ack: () => ackLatency(),
  'deploy-ack': () => deployAck(),
  audit: () => auditAppend(),
  'pg-audit': () => pgAudit(),
  redaction: async () => redaction(),
  limits: () => limitsOverhead(),
  logs: () => logFollow(Number(process.env.BENCH_LOG_RATE ?? 2000), Number(process.env.BENCH_LOG_SECONDS ?? 60)),
  'runbook-search': () => runbookSearch(Number(process.env.BENCH_RUNBOOKS ?? 10_000)),
  footprint: () => footprint(Number(process.env.BENCH_FOOTPRINT_COMMANDS ?? 10_000)),
  follows: () => followsBench(20, 200, Number(process.env.BENCH_FOLLOW_SECONDS ?? 30)),
  startup: () => startup(Number(process.env.BENCH_STARTUP_ROUNDS ?? 5)),
  'live-tail': () =>
    liveTail(
      Number(process.env.BENCH_LOG_RATE ?? 2000),
      Number(process.env.BENCH_LIVE_TAIL_STEADY_RATE ?? 400),
      Number(process.env.BENCH_LIVE_TAIL_SECONDS ?? 30),
    ),
};
const only = process.argv.slice(2);
for (const [name, bench] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  for (const line of await bench()) console.log(line);
  console.log('');
}
