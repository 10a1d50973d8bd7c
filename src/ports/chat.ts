import type { Message } from '../core/message.ts';
import type { Text } from '../core/text.ts';

/** How a command answers the person who ran it, wherever it came from (slash command, button). */
export interface Replier {
  /** Only the invoking user sees it. */
  ephemeral(message: Message): Promise<void>;
  /** Everyone in the channel sees it. */
  inChannel(message: Message): Promise<void>;
}

/** Posting to channels and threads, for messages that outlive one command (requests, progress). */
export interface Chat {
  post(channel: string, message: Message, threadTs?: string): Promise<{ ts: string }>;
  update(channel: string, ts: string, message: Message): Promise<void>;
  /** Shares a text file in the channel (or a thread), with a comment; for output too big for a message. */
  upload(
    channel: string,
    file: { filename: string; title: string; content: string; comment: Text },
    threadTs?: string,
  ): Promise<void>;
}

/**
 * A post or upload the chat service refused or never answered. `code` is its reason as it named it
 * (Slack: `not_in_channel`, `channel_not_found`, `ratelimited`, …), for logs and people; the message
 * says the same in a sentence. `notMember` is the one reason the core acts on, whatever the chat calls it.
 */
export class ChatError extends Error {
  readonly code: string;
  /** The bot may not post in that channel until someone invites it. */
  readonly notMember: boolean;
  constructor(message: string, code: string, options?: { cause?: unknown; notMember?: boolean }) {
    super(message, options);
    this.name = 'ChatError';
    this.code = code;
    this.notMember = options?.notMember ?? false;
  }
}
