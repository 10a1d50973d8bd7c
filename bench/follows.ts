import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CloudWatchLogsEmulator } from '../src/sandbox/cloudwatch/index.ts';
import { KubernetesEmulator, renderKubeconfig } from '../src/sandbox/kubernetes/index.ts';
import { productionMemoryEnv, productionNodeFlags, ROOT } from './compiled-bot.ts';
import { type Delivery, tallyFollow } from './follow-tally.ts';
import type { FollowsSpec } from './follows-process.ts';

interface Report {
  idleRss: number;
  peakRss: number;
  cpuMs: number;
  wallMs: number;
  started: number;
  errors: string[];
  delivered: Record<string, { message: string; timestamp: number }[]>;
}

/** Lines a pod follow lost (gaps in each pod's seq) and duplicated (a seq seen twice). */
function tallyPods(lines: { message: string }[]): { lost: number; duplicated: number; delivered: number } {
  const byPod = new Map<string, number[]>();
  for (const line of lines) {
    const [pod, seq] = [/pod=(\S+)/.exec(line.message)?.[1] ?? '', Number(/seq=(\d+)/.exec(line.message)?.[1])];
    byPod.set(pod, [...(byPod.get(pod) ?? []), seq]);
  }
  let [lost, duplicated, delivered] = [0, 0, 0];
  for (const seqs of byPod.values()) {
    const distinct = new Set(seqs);
    duplicated += seqs.length - distinct.size;
    delivered += distinct.size;
    lost += Math.max(...distinct) - Math.min(...distinct) + 1 - distinct.size;
  }
  return { lost, duplicated, delivered };
}

/**
 * `follows` concurrent follows, half of CloudWatch groups (Live Tail) and half of pods, each source writing
 * `rate` events a second, through the emulators, in a process of their own: its peak RSS and CPU, and what
 * each follow lost or duplicated.
 */
export async function followsBench(follows = 20, rate = 200, seconds = 30): Promise<string[]> {
  const cloudwatch = await CloudWatchLogsEmulator.start({ ingestionDelayMs: 200 });
  const k8s = await KubernetesEmulator.start({ logLinesPerSecond: rate, podReadyMs: 50 });
  const groups = Array.from({ length: Math.ceil(follows / 2) }, (_, i) => `/bench/follow-${i}`);
  const namespaces = Array.from({ length: Math.floor(follows / 2) }, (_, i) => `follow-${i}`);
  const generators = groups.map((group) => {
    cloudwatch.createGroup(group);
    return cloudwatch.generate({
      group,
      streams: ['s1'],
      eventsPerSecond: rate,
      secretShare: 0,
      messages: (c) => `evt-${group}-${c.stream}-${c.index} GET /v1/orders 200 12ms`,
    });
  });
  for (const namespace of namespaces) {
    k8s.seedDeployment({ namespace, name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 1 });
  }
  const spec: FollowsSpec = {
    cloudwatchUrl: cloudwatch.url,
    groups,
    kubeconfig: renderKubeconfig([{ name: 'bench', server: k8s.url, token: k8s.token }]),
    namespaces,
    seconds,
  };
  try {
    // With the V8 flags and allocator setting the image starts the bot with: they bound the RSS.
    const child = spawn(
      process.execPath,
      [
        ...(await productionNodeFlags()),
        '--import',
        'tsx',
        join(ROOT, 'bench/follows-process.ts'),
        JSON.stringify(spec),
      ],
      {
        cwd: ROOT,
        env: { ...process.env, ...(await productionMemoryEnv()) },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += String(chunk);
    });
    await new Promise((done) => child.once('exit', done));
    const report = JSON.parse(out) as Report;
    // The follows stop after `seconds`; events stamped in their last seconds may not have reached them yet.
    const window = { from: report.started, to: report.started + seconds * 1000 - 3000 };
    const cw = groups.map((group) => {
      const key = (message: string) => /evt-\S+/.exec(message)?.[0] ?? message;
      const expected = cloudwatch
        .events(group)
        .filter((e) => e.timestamp >= window.from && e.timestamp < window.to)
        .map((e) => key(e.message));
      const deliveries: Delivery[] = (report.delivered[group] ?? []).map((e) => ({
        key: key(e.message),
        timestamp: e.timestamp,
        deliveredAt: e.timestamp,
      }));
      return tallyFollow(expected, deliveries, window);
    });
    const pods = namespaces.map((ns) => tallyPods(report.delivered[ns] ?? []));
    const sum = <T>(list: T[], pick: (t: T) => number) => list.reduce((n, t) => n + pick(t), 0);
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
    const cores = report.cpuMs / report.wallMs;
    return [
      `follows: ${follows} at once (${groups.length} CloudWatch groups over Live Tail, ${namespaces.length} pods), ` +
        `${rate} events/s each, ${seconds} s, through the emulators`,
      `  RSS before ${mb(report.idleRss)}, peak ${mb(report.peakRss)}  (target <= 300 MB)`,
      `  CPU ${cores.toFixed(2)} cores  (target < 1)`,
      `  CloudWatch: expected ${sum(cw, (t) => t.expected)}, delivered ${sum(cw, (t) => t.delivered)}, ` +
        `lost ${sum(cw, (t) => t.lost)}, duplicated ${sum(cw, (t) => t.duplicated)}  (target 0 and 0)`,
      `  pods: delivered ${sum(pods, (t) => t.delivered)}, lost ${sum(pods, (t) => t.lost)}, ` +
        `duplicated ${sum(pods, (t) => t.duplicated)}  (target 0 and 0)`,
      ...(report.errors.length ? [`  follows that failed: ${report.errors.join('; ')}`] : []),
    ];
  } finally {
    for (const g of generators) g.stop();
    await Promise.all([cloudwatch.close(), k8s.close()]);
  }
}
