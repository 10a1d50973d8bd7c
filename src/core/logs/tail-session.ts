import type { Chat } from '../../ports/chat.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { FollowNotice, LogQuery, LogSource } from '../../ports/logs.ts';
import type { FailureMetrics } from '../../ports/metrics.ts';
import type { StoredTail, TailStore } from '../../ports/store.ts';
import { type AuditLog, SYSTEM_ACTOR } from '../audit-log.ts';
import { leaseLost, renewalInterval } from '../leases.ts';
import { textMessage } from '../message.ts';
import type { Redactor } from '../redact.ts';
import { mention, plainText, t } from '../text.ts';
import { every } from '../timers.ts';
import { Backlog } from './backlog.ts';
import { noticeText } from './follow-notice.ts';
import { formatEvent, lineRedactor } from './format.ts';
import { endState, type TailEnd, tailMessage, tailSummary } from './tail-text.ts';

// Each post packs up to this many characters into code blocks: under Slack's ~13k per message, with room for markup.
const POST_CHARS = 11_000;
const FINAL_POSTS = 3;

export interface TailSessionDeps {
  tails: TailStore;
  chat: Chat;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  redactor: Redactor;
  /** How long a tail's lease lasts unless renewed (every third of it). */
  leaseMs: number;
  metrics?: FailureMetrics | undefined;
  /** Longest a Slack post may wait while the tail is running before lines are skipped instead. */
  maxBacklogChars?: number | undefined;
}

export interface TailRequest {
  source: LogSource;
  query: LogQuery;
  lineBudget: number;
}

/**
 * One follow, from its first post to its closing summary: lines go into the tail's thread as fast as Slack
 * takes them, the lease keeps the session this replica's, and a Stop from any replica ends it.
 */
export async function runTail(
  deps: TailSessionDeps,
  tail: StoredTail,
  request: TailRequest,
  onEnd: (end: (why: TailEnd) => void) => void,
): Promise<void> {
  const { tails, chat, clock, log } = deps;
  const redact = lineRedactor(deps.redactor);
  const backlog = new Backlog({ maxPendingChars: deps.maxBacklogChars ?? POST_CHARS * 5, maxFileChars: 20_000_000 });
  const entry = { actor: tail.requester, target: tail, requestId: tail.id };
  // Renewed from the moment the lease exists: the first post may wait behind a busy channel for longer
  // than a lease, and a follow must not look abandoned before it has begun.
  const abort = new AbortController();
  let ended: TailEnd | undefined;
  let received = 0;
  let wake: (() => void) | undefined;
  const end = (why: TailEnd) => {
    if (ended) return;
    ended = why;
    abort.abort();
    wake?.();
  };
  onEnd(end);
  const durationMs = tail.until.getTime() - tail.startedAt.getTime();
  void clock.sleep(durationMs, abort.signal).then(() => end({ kind: 'time', ms: durationMs }));
  const leaseLog = log.child({ tail: tail.id, runner: tail.runner, token: tail.leaseToken });
  let lastRenewed = clock.now().getTime();
  let lost = false;
  const lose = (why: string, err?: unknown) => {
    if (lost) return;
    lost = true;
    leaseLost(leaseLog, deps.metrics, 'tail', why, err);
  };
  const renewing = every(clock, renewalInterval(deps.leaseMs), abort.signal, async () => {
    let now: StoredTail | undefined;
    try {
      now = await tails.renewTail(tail.id, tail.leaseToken, deps.leaseMs, clock.now());
      if (now) lastRenewed = clock.now().getTime();
      else {
        // Taken over: another replica found the lease run out and closed the tail.
        lose('another replica took this tail over');
        end({ kind: 'failed', error: 'another opsdeck replica took it over after its lease ran out' });
      }
    } catch (err) {
      leaseLog.warn({ err }, 'could not renew the lease of a log tail; trying again');
      if (clock.now().getTime() - lastRenewed >= deps.leaseMs) lose('not renewed for a whole term', err);
      // Looked at even when the renewal failed: a Stop click must still end the tail.
      now = await tails.getTail(tail.id).catch((readErr: unknown) => {
        leaseLog.warn({ err: readErr }, 'could not check whether the tail was stopped');
        return undefined;
      });
    }
    // A Stop click on any replica shows here.
    if (now?.state === 'stopping') end({ kind: 'stopped', by: now.stoppedBy ?? SYSTEM_ACTOR });
  });

  let parent: { ts: string };
  try {
    await deps.audit.record({
      ...entry,
      action: 'logs.follow.started',
      details: {
        source: tail.source,
        until: tail.until.toISOString(),
        grep: request.query.grep,
        lineBudget: request.lineBudget,
      },
    });
    parent = await chat.post(tail.channel, tailMessage(tail, request.query.grep, request.lineBudget, true));
    // Recorded so a replica that finds this tail orphaned can say so in its thread.
    await tails.setTailMessage(tail.id, { channel: tail.channel, ts: parent.ts });
  } catch (err) {
    end({ kind: 'failed', error: 'could not start' });
    await renewing;
    throw err;
  }

  // Said in the thread at once, ahead of the lines waiting: how the follow reads is news to those watching.
  const notify = (notice: FollowNotice) => {
    const text = noticeText(notice);
    if (text === undefined || ended) return;
    void chat
      .post(tail.channel, { ...textMessage(text), urgency: 'prompt' }, parent.ts)
      .catch((err: unknown) => log.warn({ err }, 'could not post a notice about the follow'));
  };
  const following = request.source
    .follow(
      request.query,
      abort.signal,
      (events) => {
        for (const event of events) {
          if (received >= request.lineBudget) return end({ kind: 'lines', budget: request.lineBudget });
          received++;
          backlog.push(formatEvent(event, redact));
        }
        wake?.();
      },
      notify,
    )
    .catch((err: unknown) => end({ kind: 'failed', error: deps.redactor.text((err as Error).message) }));

  let finalPosts = 0;
  while (!ended || (backlog.waiting && finalPosts < FINAL_POSTS)) {
    if (!backlog.waiting) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 500);
      });
      continue;
    }
    if (ended) finalPosts++;
    const lines = backlog.take(POST_CHARS);
    await chat
      .post(
        tail.channel,
        { text: `${lines.length} log lines`, blocks: [{ type: 'code', text: lines.join('\n') }], urgency: 'bulk' },
        parent.ts,
      )
      .catch((err: unknown) => log.warn({ err }, 'could not post log lines'));
  }
  await following;
  await renewing;
  backlog.skipped += backlog.waiting;
  if (backlog.waiting) backlog.take(Number.MAX_SAFE_INTEGER);

  const why = ended ?? { kind: 'shutdown' };
  const summary = tailSummary({
    source: tail.source,
    end: why,
    elapsedMs: clock.now().getTime() - tail.startedAt.getTime(),
    shown: backlog.shown,
    skipped: backlog.skipped,
    received,
    lost: backlog.lost,
  });
  // Recorded before Slack hears of it, so a slow chat API cannot lose the outcome or the audit entry.
  const recorded = plainText(summary);
  const closed = await tails.endTail(
    tail.id,
    tail.leaseToken,
    { state: endState(why), summary: recorded },
    clock.now(),
  );
  // Refused when another replica took the tail over and closed it: its summary stands, this one is audited.
  if (!closed) lose('another replica took this tail over before it ended');
  await deps.audit.record({
    ...entry,
    action: closed ? 'logs.follow.stopped' : 'logs.follow.finished-after-takeover',
    details: {
      end: why.kind,
      summary: recorded,
      by: why.kind === 'stopped' ? why.by : undefined,
      shown: backlog.shown,
      skipped: backlog.skipped,
      received,
    },
  });
  if (backlog.skipped) {
    const file = { filename: `${tail.service}-${tail.env}-logs.txt`, title: `${tail.service} ${tail.env} logs` };
    await chat
      .upload(tail.channel, { ...file, content: backlog.file(), comment: summary }, parent.ts)
      .catch((err: unknown) => log.warn({ err }, 'could not attach the log file'));
  }
  await chat
    .post(tail.channel, textMessage(t`${mention(tail.requester)} ${summary}`), parent.ts)
    .catch((err: unknown) => log.warn({ err }, 'could not post the closing summary'));
  await chat
    .update(tail.channel, parent.ts, {
      ...tailMessage(tail, request.query.grep, request.lineBudget, false),
      text: summary,
    })
    .catch((err: unknown) => log.warn({ err }, 'could not mark the tail message ended'));
}
