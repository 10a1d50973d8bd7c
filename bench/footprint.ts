import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SlackEmulator } from '../src/sandbox/slack/index.ts';
import { botEnvironments, buildBot, productionNodeFlags, rssMb, SECRET, sleep, TOKEN } from './compiled-bot.ts';
import { serveNode } from './serve.ts';
import { ratio } from './stats.ts';

/** Sends `n` signed slash commands, `parallel` at a time, and waits until each has been answered. */
async function commands(slack: SlackEmulator, n: number, parallel = 20): Promise<void> {
  const answered = () => slack.messages().filter((m) => m.source === 'response_url').length;
  const expected = answered() + n;
  for (let sent = 0; sent < n; sent += parallel) {
    const batch = Array.from({ length: Math.min(parallel, n - sent) }, (_, i) =>
      slack.sendSlashCommand({ user: 'U0BOB', channel: 'C0DEPLOYS', command: '/ops', text: i % 2 ? 'whoami' : 'help' }),
    );
    await Promise.all(batch);
  }
  await slack.waitFor(() => answered() >= expected || undefined, { timeoutMs: 300_000 });
}

// RSS readings after a burst of commands, a second apart: V8 gives memory back in the seconds after a burst,
// so the first reading is often a few megabytes above the rest.
const READINGS = 5;

/** The median of `READINGS` RSS readings of `pid`, a second apart, and all of them in the order taken. */
async function rssReadings(pid: number): Promise<{ median: number; all: number[] }> {
  const all: number[] = [];
  for (let reading = 0; reading < READINGS; reading++) {
    if (reading) await sleep(1000);
    all.push(await rssMb(pid));
  }
  return { median: [...all].sort((a, b) => a - b)[Math.floor(READINGS / 2)]!, all };
}

/**
 * Idle memory of the compiled bot against a bare Bolt app and an empty Node process, started side by side,
 * `settleMs` after start and again `idleMs` after it: the bot's start-up checks run in its first seconds,
 * and V8 gives back what they used once the process has been idle a while. Then the bot's memory after
 * 200 and after `total` commands (nothing of a request may stay once answered), each the median of readings
 * a second apart.
 */
export async function footprint(total = 10_000, settleMs = 3000, idleMs = 10_000): Promise<string[]> {
  buildBot();
  const slack = await SlackEmulator.start({ signingSecret: SECRET, botToken: TOKEN });
  const envs = await botEnvironments(slack);
  await mkdir(join(envs.dir, 'bare'), { recursive: true });
  const flags = await productionNodeFlags();
  const started = [
    await serveNode(['-e', 'console.log(JSON.stringify({ port: 0 })); setInterval(() => {}, 60_000)'], {}),
    await serveNode(['bench/bare-bolt.ts'], envs.base),
    await serveNode([...flags, 'dist/bundle/main.js', 'start'], envs.bare),
    await serveNode([...flags, 'dist/bundle/main.js', 'start'], envs.example),
  ];
  try {
    await sleep(settleMs);
    const early = await Promise.all(started.map((s) => rssMb(s.child.pid!)));
    await sleep(idleMs - settleMs);
    const [empty, bolt, bare, example] = await Promise.all(started.map((s) => rssMb(s.child.pid!)));
    const bot = started[2]!;
    slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
    await commands(slack, 200);
    await sleep(settleMs);
    const after200 = await rssReadings(bot.child.pid!);
    await commands(slack, total - 200);
    await sleep(settleMs);
    const afterAll = await rssReadings(bot.child.pid!);
    const mb = (n: number) => `${n.toFixed(0)} MB`;
    const at = (i: number) => `${mb(early[i]!)} at ${settleMs / 1000} s`;
    const spread = (r: { all: number[] }) => `[${r.all.map((n) => n.toFixed(0)).join(', ')}]`;
    return [
      'footprint: resident memory, idle, each process started side by side ' +
        `(HTTP mode; opsdeck: MALLOC_ARENA_MAX=${envs.bare.MALLOC_ARENA_MAX} node ${flags.join(' ')}), ` +
        `${idleMs / 1000} s after start`,
      `  empty Node ${mb(empty!)}; bare Bolt app ${mb(bolt!)} (${at(1)})`,
      `  opsdeck, config using no backend ${mb(bare!)} (${at(2)})  ratio to bare Bolt ${ratio(bare!, bolt!)}` +
        '  (target <= 1.50x)',
      `  opsdeck, example config (two clusters, GitHub, CloudWatch) ${mb(example!)} (${at(3)})  ` +
        `ratio ${ratio(example!, bolt!)}  (target <= 1.50x)`,
      `  opsdeck after 200 commands ${mb(after200.median)} ${spread(after200)}; ` +
        `after ${total} ${mb(afterAll.median)} ${spread(afterAll)}  ` +
        `ratio ${ratio(afterAll.median, after200.median)}  (target <= 1.10x)`,
    ];
  } finally {
    for (const s of started) s.child.kill('SIGTERM');
    await slack.close();
    await rm(envs.dir, { recursive: true, force: true });
  }
}
