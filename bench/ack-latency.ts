import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SlackEmulator } from '../src/sandbox/slack/index.ts';
import { serve } from './serve.ts';
import { fmt, percentile, ratio } from './stats.ts';

const SECRET = 'bench-secret';
const TOKEN = 'xoxb-bench';

/** Open-loop load: one request every `gapMs` whatever the answers, like users who do not wait for each other. */
async function load(slack: SlackEmulator, port: number, n: number, gapMs: number, text: string): Promise<number[]> {
  slack.setBotUrl(`http://127.0.0.1:${port}/slack/events`);
  const pending: Promise<number>[] = [];
  for (let i = 0; i < n; i++) {
    pending.push(
      slack.sendSlashCommand({ user: 'U0BOB', channel: 'C0DEPLOYS', command: '/ops', text }).then((res) => {
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        return res.elapsedMs;
      }),
    );
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return Promise.all(pending);
}

/** Slash-command ack latency: opsdeck against a bare Bolt app that only acks, measured in one run. */
export async function ackLatency(n = 600, gapMs = 20): Promise<string[]> {
  const slack = await SlackEmulator.start({ signingSecret: SECRET, botToken: TOKEN });
  const dataDir = await mkdtemp(join(tmpdir(), 'opsdeck-bench-'));
  const env = { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, PORT: '0' };
  const bare = await serve('bench/bare-bolt.ts', env);
  const bot = await serve(
    'src/main.ts',
    { ...env, OPSDECK_CONFIG: 'opsdeck.example.yaml', OPSDECK_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    ['start'],
  );
  try {
    await load(slack, bare.port, 50, gapMs, 'whoami');
    await load(slack, bot.port, 50, gapMs, 'whoami');
    // Alternate rounds so machine noise hits both sides alike.
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < 4; round++) {
      a.push(...(await load(slack, bare.port, n / 4, gapMs, 'audit --since 1h')));
      b.push(...(await load(slack, bot.port, n / 4, gapMs, 'audit --since 1h')));
    }
    return [
      `slash-command ack: ${n} signed requests each, one every ${gapMs} ms; ` +
        'opsdeck then runs /ops audit (store, policy, reply)',
      `  bare Bolt ack-only   p50 ${fmt(percentile(a, 50))}  p99 ${fmt(percentile(a, 99))}`,
      `  opsdeck              p50 ${fmt(percentile(b, 50))}  p99 ${fmt(percentile(b, 99))}  max ${fmt(Math.max(...b))}`,
      `  ratio p50 ${ratio(percentile(b, 50), percentile(a, 50))}  p99 ${ratio(percentile(b, 99), percentile(a, 99))}` +
        '  (target p99 <= 1.20x, never over 3000 ms)',
    ];
  } finally {
    bare.child.kill('SIGTERM');
    bot.child.kill('SIGTERM');
    await slack.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
