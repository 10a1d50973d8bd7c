// The following process of the follows bench: `follows-process.ts <spec JSON>`. It runs the bot's log sources as
// compose wires them (one CloudWatch client and Live Tail hub, one set of pod streams) with one follow per
// CloudWatch group and per namespace, samples its own RSS and CPU while they run, and prints what each delivered.
import { ClusterClients } from '../src/adapters/kubernetes/index.ts';
import {
  CloudWatchLogSource,
  createCloudWatchClient,
  filterLogEventsLimit,
  LiveTailHub,
} from '../src/adapters/logs-cloudwatch/index.ts';
import { KubernetesLogSource, PodStreams } from '../src/adapters/logs-kubernetes/index.ts';
import { SharedLimits } from '../src/adapters/rate-limits/index.ts';
import { systemClock as clock } from '../src/ports/clock.ts';
import type { Logger } from '../src/ports/logger.ts';
import type { LogSource } from '../src/ports/logs.ts';
import { KubeConfig } from '@kubernetes/client-node';

export interface FollowsSpec {
  cloudwatchUrl: string;
  groups: string[];
  kubeconfig: string;
  namespaces: string[];
  seconds: number;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const spec = JSON.parse(process.argv[2] ?? '') as FollowsSpec;
const client = createCloudWatchClient({
  region: 'us-east-1',
  endpoint: spec.cloudwatchUrl,
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const limits = new SharedLimits({ log: silent });
const admit = filterLogEventsLimit(client, limits, 5);
const hub = new LiveTailHub({ client, maxSessions: 10, log: silent });
const kubeconfig = new KubeConfig();
kubeconfig.loadFromString(spec.kubeconfig);
const clusters = new ClusterClients({ kubeconfig, contexts: { prod: kubeconfig.getCurrentContext() } });
const streams = new PodStreams();
const sources: { name: string; source: LogSource }[] = [
  ...spec.groups.map((group) => ({
    name: group,
    source: new CloudWatchLogSource({ client, admit, liveTail: hub, group: () => group, clock, log: silent }),
  })),
  ...spec.namespaces.map((namespace) => ({
    name: namespace,
    source: new KubernetesLogSource({
      clients: clusters,
      namespace,
      selector: 'app=api',
      streams,
      clock,
      log: silent,
    }),
  })),
];

/** What identifies an event for the tally: the CloudWatch event's `evt-…` key, or a pod line's pod and seq. */
const tallyKey = (message: string): string =>
  /evt-\S+/.exec(message)?.[0] ?? [/pod=\S+/.exec(message)?.[0], /seq=\d+/.exec(message)?.[0]].join(' ');

const idleRss = process.memoryUsage().rss;
const cpuStart = process.cpuUsage();
const started = Date.now();
const follows = sources.map(({ name, source }) => {
  const abort = new AbortController();
  // Only what the tally needs, kept small: the events themselves would be the bench's memory, not the
  // follows', and grow with the run (110,000 in 30 s).
  const events: Array<{ message: string; timestamp: number }> = [];
  const done = source
    .follow({ target: { service: 'api', env: 'prod' }, since: new Date(started) }, abort.signal, (batch) => {
      for (const e of batch) events.push({ message: tallyKey(e.message), timestamp: e.timestamp });
    })
    .catch((err: Error) => err.message);
  const stop = () => {
    abort.abort();
    return done;
  };
  return { name, events, stop };
});
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 250);
await new Promise((resolve) => setTimeout(resolve, spec.seconds * 1000));
clearInterval(sampler);
const cpu = process.cpuUsage(cpuStart);
const wallMs = Date.now() - started;
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const errors = (await Promise.all(follows.map((f) => f.stop()))).filter((e) => typeof e === 'string');
await hub.stop();
await streams.stop();
await limits.stop();
client.destroy();
const delivered = Object.fromEntries(follows.map((f) => [f.name, f.events]));
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(`${JSON.stringify({ idleRss, peakRss, cpuMs, wallMs, started, errors, delivered })}\n`);
