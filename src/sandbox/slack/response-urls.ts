import { randomBytes } from 'node:crypto';
import type { MessageStore } from './message-store.ts';
import type { Workspace } from './workspace.ts';

export interface ResponseUrlLimits {
  /** How long a response_url accepts posts; Slack's is 30 minutes. */
  ttlMs: number;
  /** How many posts a response_url accepts; Slack's is 5. */
  maxUses: number;
}

export const SLACK_RESPONSE_URL_LIMITS: ResponseUrlLimits = { ttlMs: 30 * 60_000, maxUses: 5 };

/** Who invoked the command or action, where, and (for block actions) on which message. */
export interface ResponseTarget {
  channel: string;
  user: string;
  messageTs?: string;
}

interface Entry extends ResponseTarget {
  issuedAt: number;
  uses: number;
}

export interface ResponseOutcome {
  status: number;
  /** A JSON body on success; Slack answers failures with a bare error word. */
  body: { ok: true } | string;
}

interface ResponsePayload {
  text?: unknown;
  blocks?: unknown;
  response_type?: unknown;
  replace_original?: unknown;
  delete_original?: unknown;
  thread_ts?: unknown;
}

export class ResponseUrls {
  readonly #entries = new Map<string, Entry>();
  readonly #store: MessageStore;
  readonly #workspace: Workspace;
  readonly #now: () => number;
  readonly #limits: ResponseUrlLimits;

  constructor(store: MessageStore, workspace: Workspace, now: () => number, limits: ResponseUrlLimits) {
    this.#store = store;
    this.#workspace = workspace;
    this.#now = now;
    this.#limits = limits;
  }

  /** Registers a fresh response_url for one invocation and returns its id. */
  issue(target: ResponseTarget): string {
    const id = randomBytes(12).toString('hex');
    this.#entries.set(id, { ...target, issuedAt: this.#now(), uses: 0 });
    return id;
  }

  respond(id: string, rawBody: string): ResponseOutcome {
    const entry = this.#entries.get(id);
    if (!entry) return { status: 404, body: 'no_service' };
    if (this.#now() - entry.issuedAt > this.#limits.ttlMs) return { status: 404, body: 'expired_url' };
    if (entry.uses >= this.#limits.maxUses) return { status: 404, body: 'used_url' };
    let payload: ResponsePayload;
    try {
      payload = JSON.parse(rawBody) as ResponsePayload;
    } catch {
      return { status: 400, body: 'invalid_payload' };
    }
    if (typeof payload !== 'object' || payload === null) return { status: 400, body: 'invalid_payload' };
    const error = this.#apply(entry, payload);
    if (error) return { status: 400, body: error };
    entry.uses += 1;
    return { status: 200, body: { ok: true } };
  }

  #apply(entry: Entry, payload: ResponsePayload): string | undefined {
    const original = entry.messageTs === undefined ? undefined : this.#store.find(entry.channel, entry.messageTs);
    if (payload.delete_original === true) {
      if (original) this.#store.update(original, { deleted: true });
      return undefined;
    }
    const blocks = payload.blocks ?? [];
    if (!Array.isArray(blocks)) return 'invalid_blocks';
    const text = typeof payload.text === 'string' ? payload.text : '';
    if (text === '' && blocks.length === 0) return 'no_text';
    if (payload.replace_original === true && original) {
      this.#store.update(original, { text, blocks, edited: true });
      return undefined;
    }
    const threadTs = typeof payload.thread_ts === 'string' ? payload.thread_ts : undefined;
    this.#store.add({
      channel: entry.channel,
      text,
      blocks,
      ...(payload.response_type === 'in_channel' ? {} : { ephemeralTo: entry.user }),
      ...(threadTs ? { threadTs } : {}),
      ...this.#workspace.botAuthor,
      source: 'response_url',
    });
    return undefined;
  }
}
