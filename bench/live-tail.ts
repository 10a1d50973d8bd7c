import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { LIVE_TAIL_EVENTS_PER_SECOND } from '../src/adapters/logs-cloudwatch/index.ts';
import { CloudWatchLogsEmulator } from '../src/sandbox/cloudwatch/index.ts';
import { BENCH_GROUP, CloudWatchFollower } from './cloudwatch-follower.ts';
import { type FollowTally, tallyFollow } from './follow-tally.ts';
import { percentile, ratio } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');
// After its window a follow runs on until it has delivered events stamped this far past it (so what it
// missed is lost, not merely late), or for at most DRAIN_CAP_MS (a sampled session never catches up).
const PAST_WINDOW_MS = 2000;
const DRAIN_CAP_MS = 30_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Side {
  tally: FollowTally;
  sampledUpdates: number;
  updates: number;
  toldSampled: boolean;
  error: string | undefined;
}

/** A fresh emulator whose generator writes `rate` events a second over four streams, as log-follow.ts does. */
async function emulatorAt(rate: number) {
  const cw = await CloudWatchLogsEmulator.start({ ingestionDelayMs: 200 });
  cw.createGroup(BENCH_GROUP);
  cw.generate({
    group: BENCH_GROUP,
    streams: ['s1', 's2', 's3', 's4'],
    eventsPerSecond: rate,
    secretShare: 0,
    messages: (c) => `evt-${c.stream}-${c.index} GET /v1/orders 200 12ms`,
  });
  return cw;
}

/** One follow (polling, or over Live Tail) of the generated group for `seconds`, tallied against the store. */
async function runSide(
  cw: CloudWatchLogsEmulator,
  follower: CloudWatchFollower,
  mode: 'polling' | 'live',
  seconds: number,
): Promise<Side> {
  const sessionsBefore = cw.liveTailSessions.length;
  const from = Date.now();
  const to = from + seconds * 1000;
  const follow = follower.follow(mode, from);
  await sleep(seconds * 1000);
  const cap = Date.now() + DRAIN_CAP_MS;
  while (Date.now() < cap && follow.newest < to + PAST_WINDOW_MS && follow.error === undefined) await sleep(250);
  await follow.stop();
  const expected = cw
    .events(BENCH_GROUP)
    .filter((e) => e.timestamp >= from && e.timestamp < to)
    .map((e) => e.message);
  const deliveries = follow.batches.flatMap((b) =>
    b.events.map((e) => ({ key: e.message, timestamp: e.timestamp, deliveredAt: b.at })),
  );
  const sessions = cw.liveTailSessions.slice(sessionsBefore);
  return {
    tally: tallyFollow(expected, deliveries, { from, to }),
    updates: sessions.reduce((n, s) => n + s.updates, 0),
    sampledUpdates: sessions.reduce((n, s) => n + s.sampledUpdates, 0),
    toldSampled: follow.notices.some((n) => n.kind === 'sampled'),
    error: follow.error,
  };
}

/** Polling for `seconds`, then Live Tail for `seconds`, on one emulator and generator at `rate`. */
async function compareAt(rate: number, seconds: number): Promise<{ polling: Side; live: Side }> {
  const cw = await emulatorAt(rate);
  const follower = new CloudWatchFollower(cw.url);
  try {
    // The generator's first ticks and the client's first connection are not what is measured.
    await sleep(1000);
    const polling = await runSide(cw, follower, 'polling', seconds);
    const live = await runSide(cw, follower, 'live', seconds);
    return { polling, live };
  } finally {
    await follower.close();
    await cw.close();
  }
}

/** `viewers` follows of one target in a process of their own: the sessions CloudWatch saw and that process's RSS. */
async function viewersAt(rate: number, viewers: number, seconds: number) {
  const cw = await emulatorAt(rate);
  try {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'bench/live-tail-viewers.ts'), cw.url, String(viewers), String(seconds)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += String(chunk);
    });
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    if (code !== 0) throw new Error(`live-tail-viewers.ts exited with ${code}: ${out}`);
    const report = JSON.parse(out) as {
      idleRss: number;
      peakRss: number;
      firstMs: number[];
      delivered: number[];
      live: number;
      polling: number;
    };
    return { ...report, sessions: cw.liveTailSessions.length };
  } finally {
    await cw.close();
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const lag = (side: Side) => `lag event → delivered p50 ${s(percentile(side.tally.lagsMs, 50))}, p99 ${s(p99(side))}`;
const p99 = (side: Side) => percentile(side.tally.lagsMs, 99);
const failure = (side: Side) => (side.error ? `; the follow failed: ${side.error}` : '');
const sampling = (side: Side) => `CloudWatch sampled ${side.sampledUpdates} of ${side.updates} updates`;

function pollingLine(rate: number, side: Side): string {
  const { tally } = side;
  return (
    `  polling   ${rate}/s: ${lag(side)}; lost ${tally.lost} of ${tally.expected}, duplicated ${tally.duplicated} ` +
    `(target 0 and 0)${failure(side)}`
  );
}

function liveLine(rate: number, side: Side): string {
  const { tally } = side;
  const sampled = side.sampledUpdates > 0;
  const lossTarget = sampled ? 'sampled: loss expected' : 'target 0 and 0';
  const told = sampled ? `; the follow was ${side.toldSampled ? '' : 'NOT '}told it is sampled` : '';
  return (
    `  live tail ${rate}/s: ${lag(side)} (target p99 <= 1.5 s); delivered ${tally.delivered} of ` +
    `${tally.expected} (${((tally.delivered / Math.max(1, tally.expected)) * 100).toFixed(0)}%), ` +
    `lost ${tally.lost}, duplicated ${tally.duplicated} (${lossTarget}); ${sampling(side)}${told}${failure(side)}`
  );
}

/**
 * The CloudWatch follow over Live Tail against the polling follow (FilterLogEvents every 5 s, as `aws logs
 * tail --follow`), both through the real CloudWatchLogSource against the emulator: at `rate` events a second,
 * where Live Tail samples, and at `steadyRate`, where it should not; then `viewers` follows of one target.
 */
export async function liveTail(rate = 2000, steadyRate = 400, seconds = 30, viewers = 20): Promise<string[]> {
  const busy = await compareAt(rate, seconds);
  const steady = await compareAt(steadyRate, seconds);
  const many = await viewersAt(rate, viewers, seconds);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  const got = `${Math.min(...many.delivered)}..${Math.max(...many.delivered)}`;
  return [
    `live tail vs polling follow: ${seconds} s per side against the CloudWatch emulator (real CloudWatchLogSource, ` +
      `FilterLogEvents quota 5/s, polls every 5 s; Live Tail sends an update a second, sampled above ` +
      `${LIVE_TAIL_EVENTS_PER_SECOND} events)`,
    pollingLine(rate, busy.polling),
    liveLine(rate, busy.live),
    pollingLine(steadyRate, steady.polling),
    liveLine(steadyRate, steady.live),
    `  p99 lag live tail / polling: ${ratio(p99(busy.live), p99(busy.polling))} at ${rate}/s, ` +
      `${ratio(p99(steady.live), p99(steady.polling))} at ${steadyRate}/s`,
    `  ${viewers} follows of one target at ${rate}/s for ${seconds} s: StartLiveTail sessions ${many.sessions} ` +
      `(target 1); ${many.live} live, ${many.polling} fell back to polling; events per follow ${got}; ` +
      `first lines after ${s(Math.min(...many.firstMs))}..${s(Math.max(...many.firstMs))}` +
      (many.firstMs.length < viewers ? ` (${viewers - many.firstMs.length} showed none)` : ''),
    `  RSS of the process running the ${viewers} follows: peak ${mb(many.peakRss)} (target <= 300 MB); ` +
      `${mb(many.idleRss)} before they started`,
  ];
}
