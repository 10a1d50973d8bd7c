import type { RespondFn } from '@slack/bolt';
import type { Message } from '../core/message.ts';
import type { Redactor } from '../core/redact.ts';
import type { Replier } from '../ports/chat.ts';
import { renderMessage } from './render.ts';

/**
 * Answers through the interaction's response_url, which works in any channel without joining it;
 * like every way out to Slack, through the redactor.
 */
export function responseUrlReplier(respond: RespondFn, redactor: Redactor): Replier {
  const send = async (message: Parameters<RespondFn>[0]) => {
    const response: unknown = await respond(message);
    // Bolt hands back fetch's Response unread, and its connection stays taken until the body is read:
    // unread, every answer left a socket open until garbage collection.
    if (response instanceof Response) await response.arrayBuffer();
  };
  return {
    async ephemeral(message: Message) {
      await send({
        response_type: 'ephemeral',
        ...renderMessage(redactor.deep(message)),
      } as Parameters<RespondFn>[0]);
    },
    async inChannel(message: Message) {
      await send({
        response_type: 'in_channel',
        ...renderMessage(redactor.deep(message)),
      } as Parameters<RespondFn>[0]);
    },
  };
}
