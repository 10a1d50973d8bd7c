import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { CloudWatchLogSource, createCloudWatchClient } from '../src/adapters/logs-cloudwatch/index.ts';
import { SqliteStore } from '../src/adapters/store-sqlite/sqlite-store.ts';
import { AuditLog } from '../src/core/audit-log.ts';
import { TailManager } from '../src/core/logs/tail-manager.ts';
import { createRedactor } from '../src/core/redact.ts';
import { systemClock as clock } from '../src/ports/clock.ts';
import type { Logger } from '../src/ports/logger.ts';
import { CloudWatchLogsEmulator } from '../src/sandbox/cloudwatch/index.ts';
import { SlackEmulator } from '../src/sandbox/slack/index.ts';
import { SlackChat } from '../src/slack/chat.ts';
import { RateLimitedChat } from '../src/slack/rate-limited-chat.ts';
import { SharedLimits } from '../src/adapters/rate-limits/index.ts';
import { percentile } from './stats.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
// Slack rejects messages past about 13k characters of blocks; that is the per-post budget.
const POST_BUDGET_CHARS = 13_000;

/**
 * Follows a CloudWatch group written at `rate` events per second for `seconds`, through the real
 * tail, pacing and Slack client, against the emulators; then compares what reached Slack (thread
 * posts plus the closing file) with what the source holds.
 */
export async function logFollow(rate = 2000, seconds = 60): Promise<string[]> {
  const slack = await SlackEmulator.start({ signingSecret: 's', botToken: 'xoxb-bench' });
  const cloudwatch = await CloudWatchLogsEmulator.start({ ingestionDelayMs: 200 });
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-bench-logs-'));
  const store = SqliteStore.open(join(dir, 'db'), clock);
  const client = new WebClient('xoxb-bench', { slackApiUrl: slack.apiUrl });
  const redactor = createRedactor();
  const limits = new SharedLimits({ log: silent });
  const chat = new RateLimitedChat(new SlackChat(client, redactor), { limits, workspace: 'bench' });
  const tails = new TailManager({
    tails: store,
    chat,
    clock,
    log: silent,
    audit: new AuditLog({ store, clock, redactor, log: silent }),
    redactor,
    leaseMs: 15_000,
  });
  const source = new CloudWatchLogSource({
    client: createCloudWatchClient({
      region: 'us-east-1',
      endpoint: cloudwatch.url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
    group: () => '/bench',
    pollMs: 1000,
    clock,
    log: silent,
  });
  cloudwatch.createGroup('/bench');
  const generator = cloudwatch.generate({
    group: '/bench',
    streams: ['s1', 's2', 's3', 's4'],
    eventsPerSecond: rate,
    secretShare: 0,
    messages: (c) => `evt-${c.stream}-${c.index} GET /v1/orders 200 12ms`,
  });
  const start = Date.now();
  const id = await tails.start({
    source,
    query: { target: { service: 'bench', env: 'prod' }, since: new Date(start) },
    requester: 'U0BENCH',
    channel: 'C0DEPLOYS',
    durationMs: seconds * 1000,
    lineBudget: 10_000_000,
  });
  await slack.waitFor(
    () => slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.text.includes('<@U0BENCH> Tail of')),
    { timeoutMs: (seconds + 60) * 1000 },
  );
  generator.stop();
  const parent = slack.messages({ channel: 'C0DEPLOYS' }).find((m) => !m.threadTs)!;
  const thread = slack.messages({ channel: 'C0DEPLOYS', threadTs: parent.ts });
  const posts = thread.filter((m) => m.text.endsWith('log lines'));
  const codeOf = (m: (typeof thread)[number]) =>
    (m.blocks as { text?: { text?: string } }[])
      .map((b) => b.text?.text ?? '')
      .filter((t) => t.startsWith('```'))
      .map((t) => t.slice(3, -3))
      .join('\n');
  const shownLines = posts.flatMap((m) => codeOf(m).split('\n')).filter(Boolean);
  const file = thread.flatMap((m) => m.files ?? [])[0];
  const fileLines = file
    ? String(file.content ?? '')
        .split('\n')
        .filter(Boolean)
    : [];
  const key = (line: string) => /evt-\S+/.exec(line)?.[0] ?? line;
  const delivered = new Set([...shownLines, ...fileLines].map(key));
  const endAt = Math.max(...thread.map((m) => Number(m.ts) * 1000));
  // The tail reads until its time is up; events stamped in its last poll interval may come after it stopped.
  const readUntil = start + seconds * 1000 - 2000;
  const expected = cloudwatch
    .events('/bench')
    .filter((e) => e.timestamp >= start && e.timestamp <= readUntil)
    .map((e) => /evt-\S+/.exec(e.message)![0]);
  const lost = expected.filter((k) => !delivered.has(k)).length;
  const duplicates = shownLines.length - new Set(shownLines.map(key)).size;
  const postTimes = posts.map((m) => Number(m.ts) * 1000);
  let maxPerSecond = 0;
  for (const t of postTimes)
    maxPerSecond = Math.max(maxPerSecond, postTimes.filter((u) => u >= t && u < t + 1000).length);
  const gaps = postTimes.slice(1).map((t, i) => t - postTimes[i]!);
  const chars = posts.reduce((n, m) => n + codeOf(m).length, 0);
  const lags = posts.flatMap((m) =>
    codeOf(m)
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [h = 0, mi = 0, s = 0] = line.slice(0, 12).split(':').map(Number);
        const day = new Date(Number(m.ts) * 1000);
        const eventAt = Date.UTC(
          day.getUTCFullYear(),
          day.getUTCMonth(),
          day.getUTCDate(),
          h,
          mi,
          Math.floor(s),
          Math.round((s % 1) * 1000),
        );
        return Number(m.ts) * 1000 - eventAt;
      }),
  );
  const summary = thread.find((m) => m.text.includes('Tail of'))?.text ?? '';
  await tails.stopAll();
  await store.close();
  await Promise.all([slack.close(), cloudwatch.close()]);
  await rm(dir, { recursive: true, force: true });
  void id;
  const windowS = (endAt - start) / 1000;
  const minGap = gaps.length ? Math.min(...gaps).toFixed(0) : '-';
  const budgetUsed = ((chars / (windowS * POST_BUDGET_CHARS)) * 100).toFixed(0);
  const perPost = (chars / Math.max(1, posts.length)).toFixed(0);
  const lagS = (p: number) => (percentile(lags, p) / 1000).toFixed(1);
  return [
    `log follow: ${rate} events/s for ${seconds}s from the CloudWatch emulator into a Slack thread ` +
      '(real pacing, 1.1 s per post)',
    `  events in the window ${expected.length}; shown in chat ${shownLines.length}; ` +
      `in the closing file ${fileLines.length}`,
    `  lost ${lost} (target 0); duplicated in chat ${duplicates} (target 0)`,
    `  posts ${posts.length}; max posts in any 1 s ${maxPerSecond} (target <= 1); min gap ${minGap} ms`,
    `  Slack budget used: ${budgetUsed}% of ~13k characters per second; ${perPost} characters per post`,
    `  lag event → post p50 ${lagS(50)} s, p99 ${lagS(99)} s`,
    `  closing summary: ${summary.replace(/<@\w+> /, '').slice(0, 300)}`,
  ];
}
