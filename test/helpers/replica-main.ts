import { startOpsdeck } from '../../src/compose.ts';
import { parseConfig } from '../../src/config/load.ts';
import { readSettings } from '../../src/config/settings.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { ReplicaSpec } from './replicas.ts';

// One opsdeck replica in a process of its own, so a test can kill it with SIGKILL. It is the production
// composition with the short timings tests use; its logs go to stdout as JSON lines, then one line
// `{"replicaPort":N}` says it is serving.
const spec = JSON.parse(process.env.OPSDECK_REPLICA_SPEC ?? '') as ReplicaSpec;
const bot = await startOpsdeck({
  config: parseConfig(spec.configText),
  settings: readSettings(spec.env),
  log: createLogger('debug', process.stdout),
  kubeconfig: spec.kubeconfig,
  tuning: spec.tuning,
});
process.stdout.write(`${JSON.stringify({ replicaPort: bot.port })}\n`);
process.once('SIGTERM', () => {
  void bot.stop().then(() => process.exit(0));
});
