import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Message } from '../core/message.ts';
import type { Text } from '../core/text.ts';
import type { Redactor } from '../core/redact.ts';
import { type Chat, ChatError } from '../ports/chat.ts';
import { toMrkdwn } from './mrkdwn.ts';
import { renderMessage } from './render.ts';

/**
 * Channel messages through the Web API (chat:write); the bot must be a member of the channel. This is
 * where messages leave opsdeck, so every one, and every file, passes the redactor here.
 */
export class SlackChat implements Chat {
  readonly #client: WebClient;
  readonly #redactor: Redactor;

  constructor(client: WebClient, redactor: Redactor) {
    this.#client = client;
    this.#redactor = redactor;
  }

  async post(channel: string, message: Message, threadTs?: string): Promise<{ ts: string }> {
    const res = await this.#client.chat
      .postMessage({
        channel,
        ...renderMessage(this.#redactor.deep(message)),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      } as Parameters<WebClient['chat']['postMessage']>[0])
      .catch((err: unknown) => {
        throw chatError(err, 'chat.postMessage');
      });
    if (!res.ts) throw new Error(`chat.postMessage to ${channel} returned no ts`);
    return { ts: res.ts };
  }

  async upload(
    channel: string,
    file: { filename: string; title: string; content: string; comment: Text },
    threadTs?: string,
  ): Promise<void> {
    await this.#client
      .filesUploadV2({
        channel_id: channel,
        filename: file.filename,
        title: this.#redactor.text(file.title),
        content: this.#redactor.text(file.content),
        initial_comment: toMrkdwn(this.#redactor.deep(file.comment)),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      } as Parameters<WebClient['filesUploadV2']>[0])
      .catch((err: unknown) => {
        throw chatError(err, 'files.uploadV2');
      });
  }

  async update(channel: string, ts: string, message: Message): Promise<void> {
    await this.#client.chat.update({ channel, ts, ...renderMessage(this.#redactor.deep(message)) } as Parameters<
      WebClient['chat']['update']
    >[0]);
  }
}

interface WebApiErrorShape {
  code?: string;
  data?: { error?: string };
  original?: Error;
  statusCode?: number;
  retryAfter?: number;
}

// Slack's reasons that mean the bot may not post in that channel until someone invites it.
const NOT_A_MEMBER = new Set(['not_in_channel', 'channel_not_found']);

/** The Web API client's error as a ChatError: Slack's own reason as the code, and one readable line. */
function chatError(err: unknown, method: string): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & WebApiErrorShape;
  const as = (message: string, code: string) =>
    new ChatError(message, code, { cause: err, notMember: NOT_A_MEMBER.has(code) });
  switch (e.code) {
    case ErrorCode.PlatformError:
      return as(`Slack refused ${method}: ${e.data?.error ?? 'no reason given'}`, e.data?.error ?? 'unknown');
    case ErrorCode.RateLimitedError:
      return as(`Slack rate-limited ${method} (retry after ${e.retryAfter ?? '?'} s)`, 'ratelimited');
    case ErrorCode.HTTPError:
      return as(`Slack answered ${method} with HTTP ${e.statusCode ?? '?'}`, `http_${e.statusCode ?? 'error'}`);
    case ErrorCode.RequestError:
      return as(`Slack could not be reached for ${method}: ${e.original?.message ?? e.message}`, 'request_error');
    default:
      return err;
  }
}
