import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/adapters/store-sqlite/sqlite-store.ts';
import { AuditLog } from '../../../src/core/audit-log.ts';
import { TailManager } from '../../../src/core/logs/tail-manager.ts';
import type { TailSessionDeps } from '../../../src/core/logs/tail-session.ts';
import type { Message } from '../../../src/core/message.ts';
import { toMrkdwn } from '../../../src/slack/mrkdwn.ts';
import type { Chat } from '../../../src/ports/chat.ts';
import type { Logger } from '../../../src/ports/logger.ts';
import type { LogSource } from '../../../src/ports/logs.ts';
import { createRedactor } from '../../../src/core/redact.ts';
import { systemClock, type Clock } from '../../../src/ports/clock.ts';
import { pinnedClock, WEEKDAY } from '../../helpers/clock.ts';
import type { Store } from '../../../src/ports/store.ts';

export interface LogLine {
  level: 'warn' | 'error';
  msg: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps warnings and errors with every binding of its ancestors, to check their context. */
export function recordingLogger(
  lines: LogLine[] = [],
  bindings: Record<string, unknown> = {},
): Logger & { lines: LogLine[] } {
  return {
    lines,
    debug() {},
    info() {},
    warn: (obj, msg) => void lines.push({ level: 'warn', msg: msg ?? '', fields: { ...bindings, ...obj } }),
    error: (obj, msg) => void lines.push({ level: 'error', msg: msg ?? '', fields: { ...bindings, ...obj } }),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

export interface Post {
  channel: string;
  text: string;
  thread: string | undefined;
}

export function recordingChat(): Chat & { posts: Post[] } {
  const posts: Post[] = [];
  return {
    posts,
    post: async (channel: string, m: Message, thread?: string) => {
      posts.push({ channel, text: toMrkdwn(m.text), thread });
      return { ts: `1.${posts.length}` };
    },
    update: async () => {},
    upload: async () => {},
  };
}

/** A source that delivers one line every 10 ms until the tail ends it. */
export const tickingSource: LogSource = {
  describe: () => 'CloudWatch /ecs/api-prod (prod)',
  snapshot: async () => ({ events: [], olderLeftOut: false }),
  async follow(_query, signal, deliver) {
    for (let i = 0; !signal.aborted; i++) {
      deliver([{ id: String(i), timestamp: 1_700_000_000_000 + i, message: `tick ${i}`, origin: 'task/1' }]);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  },
};

export const tailStart = (durationMs: number) => ({
  source: tickingSource,
  query: { target: { service: 'api', env: 'prod' }, since: new Date(1_700_000_000_000) },
  requester: 'U0BOB',
  channel: 'C1',
  durationMs,
  lineBudget: 10_000,
});

/** A store on disk in a temp folder, shared by as many "replicas" as a test makes. */
export async function tempStore(): Promise<{ store: SqliteStore; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-tails-'));
  const store = SqliteStore.open(join(dir, 'db'), systemClock);
  return {
    store,
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface ReplicaOptions {
  chat?: ReturnType<typeof recordingChat>;
  log?: Logger;
  leaseMs?: number;
  metrics?: TailSessionDeps['metrics'];
  clock?: Clock;
}

/** One opsdeck replica's change flow and tail manager on `store`. */
export function replica(store: Store, o: ReplicaOptions = {}) {
  const chat = o.chat ?? recordingChat();
  const log = o.log ?? recordingLogger();
  // Replicas of one test share a clock running at real speed: leases here are renewed every real 20 ms.
  const clock = o.clock ?? pinnedClock(WEEKDAY);
  const redactor = createRedactor();
  const audit = new AuditLog({ store, clock, redactor, log });
  const tails = new TailManager({
    tails: store,
    chat,
    clock,
    log,
    audit,
    redactor,
    leaseMs: o.leaseMs ?? 60,
    metrics: o.metrics,
  });
  return { tails, chat };
}
