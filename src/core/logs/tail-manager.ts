import type { LogQuery, LogSource } from '../../ports/logs.ts';
import { SYSTEM_ACTOR } from '../audit-log.ts';
import { newId } from '../ids.ts';
import { textMessage } from '../message.ts';
import { code, emoji, mention, plainText, t } from '../text.ts';
import { runTail, type TailSessionDeps } from './tail-session.ts';
import type { TailEnd } from './tail-text.ts';

export { ACTION_STOP } from './tail-text.ts';

export interface TailStart {
  source: LogSource;
  query: LogQuery;
  requester: string;
  channel: string;
  durationMs: number;
  lineBudget: number;
}

/**
 * Live log tails posted into a thread. Each tail is a stored session this process holds under a
 * lease, so a Stop click on any replica ends it, and a tail whose replica died is taken over and
 * reported as ended by another.
 */
export class TailManager {
  readonly #deps: TailSessionDeps;
  readonly #running = new Map<string, (why: TailEnd) => void>();
  readonly #tasks = new Set<Promise<void>>();

  constructor(deps: TailSessionDeps) {
    this.#deps = deps;
  }

  async start(t: TailStart): Promise<string> {
    const { tails, clock, log } = this.#deps;
    const now = clock.now();
    const tail = await tails.createTail(
      {
        id: newId('tail'),
        service: t.query.target.service,
        env: t.query.target.env,
        requester: t.requester,
        channel: t.channel,
        source: t.source.describe(t.query.target),
        runner: newId('run'),
        startedAt: now,
        until: new Date(now.getTime() + t.durationMs),
      },
      this.#deps.leaseMs,
    );
    const task = runTail(this.#deps, tail, t, (end) => this.#running.set(tail.id, end))
      .catch((err: unknown) => log.error({ err, tail: tail.id }, 'tail crashed'))
      .finally(() => this.#running.delete(tail.id));
    this.#tasks.add(task);
    void task.finally(() => this.#tasks.delete(task));
    return tail.id;
  }

  /**
   * Stops a tail wherever it runs: the store says so at once, and the holder notices at its next
   * renewal (at once when it runs here), then closes it with its summary.
   */
  async stop(id: string, by: string): Promise<boolean> {
    const stopped = await this.#deps.tails.requestTailStop(id, by);
    this.#running.get(id)?.({ kind: 'stopped', by });
    return stopped;
  }

  /** Ends every tail this process runs (on shutdown), each with its closing summary. */
  async stopAll(): Promise<void> {
    for (const end of this.#running.values()) end({ kind: 'shutdown' });
    await Promise.allSettled([...this.#tasks]);
  }

  /**
   * Tails whose lease ran out by the store's clock (their replica stopped) are taken over, closed and
   * said so in their thread, by whichever replica gets there first.
   */
  async recoverInterrupted(): Promise<number> {
    const { tails, clock, audit, chat, log } = this.#deps;
    const runner = newId('run');
    let recovered = 0;
    for (const tail of await tails.listTails({ states: ['running', 'stopping'] })) {
      if (this.#running.has(tail.id)) continue;
      const taken = await tails.takeOverTail(tail.id, runner, this.#deps.leaseMs, clock.now());
      if (!taken) continue;
      const again = code('/logs … --follow');
      const summary = t`This log tail ended: the opsdeck replica running it stopped. Start it again with ${again}.`;
      const end = { state: 'interrupted' as const, summary: plainText(summary) };
      const closed = await tails.endTail(tail.id, taken.leaseToken, end, clock.now());
      if (!closed) continue;
      recovered++;
      await audit.record({
        actor: SYSTEM_ACTOR,
        action: 'logs.follow.interrupted',
        target: tail,
        requestId: tail.id,
        details: { runner: tail.runner, token: taken.leaseToken, lastRenewed: tail.renewedAt.toISOString() },
      });
      if (!closed.message) continue;
      await chat
        .post(
          closed.message.channel,
          textMessage(t`${mention(tail.requester)} ${emoji('warning')} ${summary}`),
          closed.message.ts,
        )
        .catch((err: unknown) => log.warn({ err, tail: tail.id }, 'could not say the tail ended'));
    }
    return recovered;
  }
}
