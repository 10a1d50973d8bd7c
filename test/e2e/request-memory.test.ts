import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/sandbox/slack/index.ts';
import { BARE_CONFIG } from '../helpers/bare-config.ts';

const SECRET = 'memory-signing-secret';
const TOKEN = 'xoxb-memory';

let slack: SlackEmulator;
let bot: ChildProcess;
let dataDir: string;

/** What the bot's heap holds after a full collection, in bytes. */
function heapUsed(): Promise<number> {
  return new Promise((done) => {
    const onMessage = (message: { heapUsed?: number }) => {
      if (message.heapUsed === undefined) return;
      bot.off('message', onMessage);
      done(message.heapUsed);
    };
    bot.on('message', onMessage);
    bot.send('heap');
  });
}

const replies = () => slack.messages().filter((m) => m.source === 'response_url').length;

/** Sends `n` signed slash commands, `parallel` at a time, and waits until each has been answered. */
async function commands(n: number, parallel = 10): Promise<void> {
  const expected = replies() + n;
  for (let sent = 0; sent < n; sent += parallel) {
    const batch = Array.from({ length: Math.min(parallel, n - sent) }, (_, i) =>
      slack.sendSlashCommand({ user: 'U0BOB', channel: 'C0DEPLOYS', command: '/ops', text: i % 2 ? 'whoami' : 'help' }),
    );
    for (const res of await Promise.all(batch)) if (res.status !== 200) throw new Error(`bot answered ${res.status}`);
  }
  await slack.waitFor(() => replies() >= expected || undefined, { timeoutMs: 60_000 });
}

beforeAll(async () => {
  slack = await SlackEmulator.start({ signingSecret: SECRET, botToken: TOKEN });
  dataDir = await mkdtemp(join(tmpdir(), 'opsdeck-memory-'));
  bot = fork(resolve(import.meta.dirname, '../helpers/memory-main.ts'), [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      OPSDECK_DATA_DIR: dataDir,
      OPSDECK_CONFIG_TEXT: BARE_CONFIG,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((done) => bot.once('message', (m: { port: number }) => done(m.port)));
  slack.setBotUrl(`http://127.0.0.1:${port}/slack/events`);
}, 60_000);

afterAll(async () => {
  bot.kill('SIGTERM');
  await new Promise((done) => bot.once('exit', done));
  await slack.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('memory per request', () => {
  it('keeps nothing of a command once it is answered: the heap after 1,500 more is where it was', async () => {
    // Warm-up: caches fill, code is compiled, pools open.
    await commands(300);
    const before = await heapUsed();
    await commands(1500);
    const after = await heapUsed();
    // 1 MB over 1,500 commands is under 700 bytes each: less than any request's payload, so a request kept
    // whole, or its context, its reply or a closure over it, shows.
    expect(after - before).toBeLessThan(1_000_000);
  }, 300_000);
});
