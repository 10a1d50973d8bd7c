import type { Chat } from '../../ports/chat.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { FailureMetrics } from '../../ports/metrics.ts';
import type { LogQuery, LogSource } from '../../ports/logs.ts';
import type { Store, StoredRequest } from '../../ports/store.ts';
import { TAIL_KIND } from '../change.ts';
import type { ChangeFlow } from '../change-flow.ts';
import { formatDuration } from '../duration.ts';
import { heartbeatFailed } from '../heartbeat.ts';
import { formatTime, inlineCode, mention, plain } from '../format.ts';
import { newId } from '../ids.ts';
import { textMessage, type Message } from '../message.ts';
import { every } from '../timers.ts';
import { Backlog } from './backlog.ts';
import type { Redactor } from '../redact.ts';
import { formatEvent, lineRedactor } from './format.ts';

export const ACTION_STOP = 'opsdeck.logs.stop';
// Each post packs up to this many characters into code blocks: under Slack's ~13k per message, with room for the markup.
const POST_CHARS = 11_000;
const FINAL_POSTS = 3;

export interface TailStart {
  source: LogSource;
  query: LogQuery;
  requester: string;
  channel: string;
  durationMs: number;
  lineBudget: number;
}

export interface TailDeps {
  store: Store;
  chat: Chat;
  clock: Clock;
  log: Logger;
  changes: ChangeFlow;
  redactor: Redactor;
  heartbeatMs: number;
  metrics?: FailureMetrics;
  /** Longest a Slack post may wait while the tail is running before lines are skipped instead. */
  maxBacklogChars?: number;
}

interface Running {
  stop(reason: string): void;
}

/**
 * Live log tails posted into a thread. Each tail is a stored request (kind `tail`) owned by this
 * process with a heartbeat, so a Stop click on any replica ends it, and a tail whose replica died
 * is reported as ended by the others.
 */
export class TailManager {
  readonly #deps: TailDeps;
  readonly #running = new Map<string, Running>();
  readonly #tasks = new Set<Promise<void>>();

  constructor(deps: TailDeps) {
    this.#deps = deps;
  }

  async start(t: TailStart): Promise<string> {
    const { store, clock } = this.#deps;
    const now = clock.now();
    const { service, env } = t.query.target;
    const title = `Logs of ${service} in ${env}`;
    const created = await store.createRequest({
      id: newId('tail'),
      kind: TAIL_KIND,
      service,
      env,
      requester: t.requester,
      channel: t.channel,
      params: { title, headline: '', fields: [], binding: {}, exec: {}, warnings: [] },
      hash: '',
      createdAt: now,
    });
    await store.transitionRequest(created.id, ['pending'], 'approved', undefined, now);
    const running = await store.transitionRequest(created.id, ['approved'], 'running', undefined, now);
    if (!running) throw new Error(`tail ${created.id} could not start`);
    const task = this.#run(running, t).catch((err: unknown) =>
      this.#deps.log.error({ err, tail: created.id }, 'tail crashed'),
    );
    this.#tasks.add(task);
    void task.finally(() => this.#tasks.delete(task));
    return created.id;
  }

  /**
   * Stops a tail wherever it runs: the store says so at once, and the owner notices at its next
   * heartbeat, then adds its closing summary to the stored outcome.
   */
  async stop(id: string, by: string): Promise<boolean> {
    const done = await this.#deps.store.transitionRequest(
      id,
      ['running'],
      'cancelled',
      { outcome: { by } },
      this.#deps.clock.now(),
    );
    this.#running.get(id)?.stop(`stopped by ${mention(by)}`);
    return done !== undefined;
  }

  /** Ends every tail this process runs (on shutdown), each with its closing summary. */
  async stopAll(reason: string): Promise<void> {
    for (const session of this.#running.values()) session.stop(reason);
    await Promise.allSettled([...this.#tasks]);
  }

  async #run(req: StoredRequest, t: TailStart): Promise<void> {
    const { store, chat, clock, log, changes, redactor, heartbeatMs } = this.#deps;
    const redact = lineRedactor(redactor);
    const started = clock.now();
    const until = new Date(started.getTime() + t.durationMs);
    const origin = t.source.describe(t.query.target);
    const backlog = new Backlog({
      maxPendingChars: this.#deps.maxBacklogChars ?? POST_CHARS * 5,
      maxFileChars: 20_000_000,
    });
    const runner = newId('run');
    await store.heartbeat(req.id, runner, started);
    await changes.audit(t.requester, 'logs.follow.started', req, {
      source: origin,
      until: until.toISOString(),
      grep: t.query.grep,
      lineBudget: t.lineBudget,
    });
    const parent = await chat.post(t.channel, parentMessage(req, t, origin, until, true));
    // Recorded so a replica that finds this tail orphaned can say so in its thread.
    await store.setRequestMessage(req.id, { channel: t.channel, ts: parent.ts });

    const abort = new AbortController();
    let reason = '';
    let received = 0;
    let budgetHit = false;
    let wake: (() => void) | undefined;
    const end = (why: string) => {
      if (reason) return;
      reason = why;
      abort.abort();
      wake?.();
    };
    this.#running.set(req.id, { stop: (why) => end(why) });
    void clock.sleep(t.durationMs, abort.signal).then(() => end(`reached its ${formatDuration(t.durationMs)} limit`));
    const beatLog = log.child({ tail: req.id, runner });
    const beating = every(clock, heartbeatMs, abort.signal, async () => {
      await store
        .heartbeat(req.id, runner, clock.now())
        .catch((err: unknown) => heartbeatFailed(beatLog, this.#deps.metrics, 'tail', err));
      try {
        // Looked at even when the heartbeat failed: a Stop click must still end the tail.
        const now = await store.getRequest(req.id);
        if (now && now.state !== 'running')
          end(typeof now.outcome?.by === 'string' ? `stopped by ${mention(now.outcome.by)}` : 'stopped');
      } catch (err) {
        beatLog.warn({ err }, 'could not check whether the tail was stopped');
      }
    });

    const following = t.source
      .follow(t.query, abort.signal, (events) => {
        for (const event of events) {
          if (received >= t.lineBudget) {
            budgetHit = true;
            end(`reached its budget of ${t.lineBudget} lines`);
            return;
          }
          received++;
          backlog.push(formatEvent(event, redact));
        }
        wake?.();
      })
      .catch((err: unknown) => end(`failed: ${plain(redactor.text((err as Error).message))}`));

    let finalPosts = 0;
    while (!reason || (backlog.waiting && finalPosts < FINAL_POSTS)) {
      if (!backlog.waiting) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 500);
        });
        continue;
      }
      if (reason) finalPosts++;
      const lines = backlog.take(POST_CHARS);
      await chat
        .post(
          t.channel,
          { text: `${lines.length} log lines`, blocks: [{ type: 'code', text: lines.join('\n') }] },
          parent.ts,
        )
        .catch((err: unknown) => log.warn({ err }, 'could not post log lines'));
    }
    await following;
    await beating;
    this.#running.delete(req.id);
    backlog.skipped += backlog.waiting;
    if (backlog.waiting) backlog.take(Number.MAX_SAFE_INTEGER);

    const elapsed = formatDuration(clock.now().getTime() - started.getTime());
    const parts = [`${backlog.shown} lines shown`];
    if (backlog.skipped)
      parts.push(
        `${backlog.skipped} skipped in chat because they came faster than Slack's ~1 post per second (all ${received} lines are in the attached file)`,
      );
    if (backlog.lost) parts.push(`${backlog.lost} not kept (the file is capped at 20 MB)`);
    if (budgetHit) parts.push('later lines not read (line budget; use `--lines` for more)');
    const summary = `Tail of ${origin} ${reason} after ${elapsed}: ${parts.join('; ')}.`;
    // Recorded before Slack hears of it, so a slow chat API cannot lose the audit entry.
    const state = reason.startsWith('stopped') ? 'cancelled' : reason.startsWith('failed') ? 'failed' : 'succeeded';
    const ended = await this.#close(req.id, state, summary);
    await changes.audit(t.requester, 'logs.follow.stopped', req, {
      reason,
      summary,
      by: ended?.outcome?.by,
      shown: backlog.shown,
      skipped: backlog.skipped,
      received,
    });
    if (backlog.skipped) {
      await chat
        .upload(
          t.channel,
          {
            filename: `${req.service}-${req.env}-logs.txt`,
            title: `${req.service} ${req.env} logs`,
            content: backlog.file(),
            comment: summary,
          },
          parent.ts,
        )
        .catch((err: unknown) => log.warn({ err }, 'could not attach the log file'));
    }
    await chat
      .post(t.channel, textMessage(`${mention(t.requester)} ${summary}`), parent.ts)
      .catch((err: unknown) => log.warn({ err }, 'could not post the closing summary'));
    await chat
      .update(t.channel, parent.ts, { ...parentMessage(req, t, origin, until, false), text: summary })
      .catch((err: unknown) => log.warn({ err }, 'could not mark the tail message ended'));
  }

  /**
   * Records how the tail ended. A Stop click (on any replica) has already moved it to `cancelled`, with
   * who clicked: then the summary joins that outcome instead of being lost.
   */
  async #close(
    id: string,
    state: 'cancelled' | 'failed' | 'succeeded',
    summary: string,
  ): Promise<StoredRequest | undefined> {
    const { store, clock } = this.#deps;
    const done = await store.transitionRequest(id, ['running'], state, { outcome: { summary } }, clock.now());
    if (done) return done;
    const stopped = await store.getRequest(id);
    if (stopped?.state !== 'cancelled') return stopped;
    const outcome = { ...stopped.outcome, summary };
    return store.transitionRequest(id, ['cancelled'], 'cancelled', { outcome }, clock.now());
  }
}

function parentMessage(req: StoredRequest, t: TailStart, origin: string, until: Date, live: boolean): Message {
  const grep = t.query.grep ? ` matching ${inlineCode(t.query.grep)}` : '';
  const head = `${live ? ':scroll: Following' : ':scroll: Followed'} logs of *${req.service}* in *${req.env}*${grep} from ${origin}, requested by ${mention(t.requester)}.`;
  const limits = live
    ? `Until ${formatTime(until)} or ${t.lineBudget} lines; lines go into the thread.`
    : 'Ended; the summary is in the thread.';
  return {
    text: head,
    blocks: [
      { type: 'text', text: head },
      { type: 'context', text: `${limits} · \`${req.id}\`` },
      ...(live
        ? [
            {
              type: 'actions' as const,
              buttons: [{ actionId: ACTION_STOP, label: 'Stop', value: req.id, style: 'danger' as const }],
            },
          ]
        : []),
    ],
  };
}
