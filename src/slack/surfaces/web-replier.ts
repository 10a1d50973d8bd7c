import type { WebClient } from '@slack/web-api';
import type { Message } from '../../core/message.ts';
import type { Redactor } from '../../core/redact.ts';
import type { Replier } from '../../ports/chat.ts';
import { renderMessage } from '../render.ts';

/**
 * Answers for interactions that carry no response_url (modal submissions, App Home buttons): ephemeral in
 * the channel when there is one, else in the person's direct messages with opsdeck.
 */
export function webReplier(
  client: WebClient,
  redactor: Redactor,
  to: { user: string; channel?: string | undefined },
): Replier {
  const render = (message: Message) => renderMessage(redactor.deep(message));
  const direct = (message: Message) =>
    client.chat.postMessage({ channel: to.user, ...render(message) } as Parameters<
      WebClient['chat']['postMessage']
    >[0]);
  return {
    async ephemeral(message) {
      if (!to.channel || to.channel.startsWith('D')) {
        await direct(message);
        return;
      }
      await client.chat.postEphemeral({ channel: to.channel, user: to.user, ...render(message) } as Parameters<
        WebClient['chat']['postEphemeral']
      >[0]);
    },
    async inChannel(message) {
      if (!to.channel) {
        await direct(message);
        return;
      }
      await client.chat.postMessage({ channel: to.channel, ...render(message) } as Parameters<
        WebClient['chat']['postMessage']
      >[0]);
    },
  };
}
