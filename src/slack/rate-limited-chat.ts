import { type LimitGroup, priorityOf, type SharedLimits } from '../adapters/rate-limits/index.ts';
import type { Message } from '../core/message.ts';
import type { Text } from '../core/text.ts';
import type { Chat } from '../ports/chat.ts';

// Slack accepts about one message per second per channel (chat.postMessage, "special" tier).
const MIN_GAP_MS = 1100;
// chat.update is Tier 3: 50+ calls a minute per workspace, with some bursting. 4 every 5 s is 48 a minute;
// clustered Bottleneck tops a reservoir up on its 5 s heartbeat, so the interval is one heartbeat.
const UPDATE_BUDGET = { burst: 10, every5s: 4 };

export interface RateLimitedChatOptions {
  /** Where the limits live: shared by every replica through Redis, or this replica's own. */
  limits: SharedLimits;
  /** Names this workspace's limits in Redis (one bot token, one workspace), so workspaces never share one. */
  workspace: string;
  /** Minimum gap between posts in one channel (Slack: ~1 s); tests shorten it. */
  minGapMs?: number | undefined;
  /** Calls to chat.update at once, and how many more every 5 s (default 10 and 4); tests widen it. */
  updateBudget?: { burst: number; every5s: number } | undefined;
}

/**
 * Keeps Slack's limits for every replica together, with Bottleneck: posts and uploads in each channel one at a
 * time and at least `minGapMs` apart, in the order asked for within an urgency, prompt before bulk; and
 * chat.update within its per-workspace budget. While Redis is down each replica keeps them alone.
 */
export class RateLimitedChat implements Chat {
  readonly #inner: Chat;
  readonly #workspace: string;
  readonly #posts: LimitGroup;
  readonly #updates: LimitGroup;

  constructor(inner: Chat, options: RateLimitedChatOptions) {
    this.#inner = inner;
    this.#workspace = options.workspace;
    this.#posts = options.limits.group('slack-post', { maxConcurrent: 1, minTime: options.minGapMs ?? MIN_GAP_MS });
    const budget = options.updateBudget ?? UPDATE_BUDGET;
    this.#updates = options.limits.group('slack-update', {
      reservoir: budget.burst,
      reservoirIncreaseInterval: 5000,
      reservoirIncreaseAmount: budget.every5s,
      reservoirIncreaseMaximum: budget.burst,
    });
  }

  post(channel: string, message: Message, threadTs?: string): Promise<{ ts: string }> {
    return this.#posts.schedule(this.#key(channel), job(message), () => this.#inner.post(channel, message, threadTs));
  }

  upload(
    channel: string,
    file: { filename: string; title: string; content: string; comment: Text },
    threadTs?: string,
  ): Promise<void> {
    return this.#posts.schedule(this.#key(channel), {}, () => this.#inner.upload(channel, file, threadTs));
  }

  update(channel: string, ts: string, message: Message): Promise<void> {
    return this.#updates.schedule(this.#workspace, job(message), () => this.#inner.update(channel, ts, message));
  }

  #key(channel: string): string {
    return `${this.#workspace}-${channel}`;
  }
}

function job(message: Message) {
  return { priority: priorityOf(message.urgency) };
}
