import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { GitHubEmulator } from '../src/sandbox/github/index.ts';
import { KubernetesEmulator, renderKubeconfig } from '../src/sandbox/kubernetes/index.ts';
import { SlackEmulator } from '../src/sandbox/slack/index.ts';
import { seedWorld } from '../src/sandbox/world.ts';
import { serve } from './serve.ts';
import { fmt, percentile, ratio } from './stats.ts';

const SECRET = 'bench-secret';
const TOKEN = 'xoxb-bench';
const GITHUB_TOKEN = 'ghp_benchbenchbenchbenchbench0000';
const PG_URL = process.env.OPSDECK_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const COMMAND = 'api staging v1.2.0 --dry-run';

/** Open-loop load: one `/deploy … --dry-run` every `gapMs` whatever the answers; returns each ack's latency. */
async function load(slack: SlackEmulator, port: number, n: number, gapMs: number): Promise<number[]> {
  slack.setBotUrl(`http://127.0.0.1:${port}/slack/events`);
  const pending: Promise<number>[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    pending.push(
      slack.sendSlashCommand({ user: 'U0BOB', channel: 'C0DEPLOYS', command: '/deploy', text: COMMAND }).then((res) => {
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        return res.elapsedMs;
      }),
    );
    // Paced against the start, so a slow turn of the loop does not lower the rate.
    const due = start + (i + 1) * gapMs - performance.now();
    if (due > 0) await new Promise((r) => setTimeout(r, due));
  }
  return Promise.all(pending);
}

/** The bot's event-loop delay p99 (prom-client's `monitorEventLoopDelay`, reset by every scrape), in ms. */
async function loopDelayP99(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = /^opsdeck_nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(text);
  return m ? Number(m[1]) * 1000 : NaN;
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Ack latency of a mutating command's dry run (ref resolved on GitHub, Deployment read, audited) at
 * `rate` requests per second: opsdeck on SQLite and on PostgreSQL against a bare Bolt app, in one run.
 */
export async function deployAck(rate = 100, perSide = 600): Promise<string[]> {
  const gapMs = 1000 / rate;
  const slack = await SlackEmulator.start({ signingSecret: SECRET, botToken: TOKEN });
  const github = await GitHubEmulator.start({ token: GITHUB_TOKEN });
  const clusters = { staging: await KubernetesEmulator.start({}), prod: await KubernetesEmulator.start({}) };
  seedWorld(github, clusters);
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-bench-deploy-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    renderKubeconfig([
      ...clusters.staging.kubeconfigContexts({ contexts: ['staging'] }),
      ...clusters.prod.kubeconfigContexts({ contexts: ['prod'] }),
    ]),
  );
  const schema = `opsdeck_bench_${randomBytes(4).toString('hex')}`;
  const withPg = await postgresReachable();
  const slackEnv = { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, PORT: '0' };
  const botEnv = {
    ...slackEnv,
    OPSDECK_CONFIG: 'opsdeck.example.yaml',
    KUBECONFIG: kubeconfig,
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN,
    LOG_LEVEL: 'info',
  };
  const pgUrl = new URL(PG_URL);
  pgUrl.searchParams.set('schema', schema);
  const sides = [
    { name: 'bare Bolt ack-only', process: await serve('bench/bare-bolt.ts', slackEnv) },
    {
      name: 'opsdeck, SQLite',
      process: await serve('src/main.ts', { ...botEnv, OPSDECK_DATA_DIR: join(dir, 'sqlite') }, ['start']),
    },
    ...(withPg
      ? [
          {
            name: 'opsdeck, PostgreSQL',
            process: await serve(
              'src/main.ts',
              { ...botEnv, OPSDECK_DATA_DIR: join(dir, 'pg'), DATABASE_URL: pgUrl.toString() },
              ['start'],
            ),
          },
        ]
      : []),
  ];
  try {
    for (const side of sides) await load(slack, side.process.port, 50, gapMs);
    const acks = sides.map(() => [] as number[]);
    const loops = sides.map(() => [] as number[]);
    // Alternate rounds so machine noise hits every side alike.
    for (let round = 0; round < 4; round++) {
      for (const [i, side] of sides.entries()) {
        const bot = i > 0;
        if (bot) await loopDelayP99(side.process.port);
        acks[i]!.push(...(await load(slack, side.process.port, perSide / 4, gapMs)));
        if (bot) loops[i]!.push(await loopDelayP99(side.process.port));
      }
    }
    const base = acks[0]!;
    const lines = [
      `mutating command ack: /deploy ${COMMAND}, ${perSide} signed requests each at ${rate}/s`,
      ...sides.map((side, i) => {
        const a = acks[i]!;
        const loop = i > 0 ? `  event-loop delay p99 ${fmt(Math.max(...loops[i]!))}` : '';
        const vs =
          i > 0
            ? `  (${ratio(percentile(a, 50), percentile(base, 50))} p50, ` +
              `${ratio(percentile(a, 99), percentile(base, 99))} p99)`
            : '';
        return `  ${side.name.padEnd(20)} p50 ${fmt(percentile(a, 50))}  p99 ${fmt(percentile(a, 99))}${vs}${loop}`;
      }),
      '  (goal: p50 <= 1.20x, p99 <= 2.00x of bare Bolt)',
    ];
    if (!withPg) lines.push(`  PostgreSQL skipped: nothing answers at ${PG_URL} (OPSDECK_BENCH_DATABASE_URL)`);
    return lines;
  } finally {
    // Stopped before the schema is dropped: a stopping bot still writes (its sweep, its leases).
    await Promise.all(
      sides.map(async ({ process: { child } }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await Promise.all([slack.close(), github.close(), clusters.staging.close(), clusters.prod.close()]);
    if (withPg) {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
    await rm(dir, { recursive: true, force: true });
  }
}
