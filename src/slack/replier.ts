import type { RespondFn } from '@slack/bolt';
import type { Message } from '../core/message.ts';
import type { Replier } from '../ports/chat.ts';
import { renderMessage } from './render.ts';

/** Answers through the interaction's response_url, which works in any channel without joining it. */
export function responseUrlReplier(respond: RespondFn): Replier {
  return {
    async ephemeral(message: Message) {
      await respond({ response_type: 'ephemeral', ...renderMessage(message) } as Parameters<RespondFn>[0]);
    },
    async inChannel(message: Message) {
      await respond({ response_type: 'in_channel', ...renderMessage(message) } as Parameters<RespondFn>[0]);
    },
  };
}
