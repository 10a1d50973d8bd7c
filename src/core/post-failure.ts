import { ChatError } from '../ports/chat.ts';
import { code, concat, emoji, t, type Text } from './text.ts';

/**
 * What to store and tell the requester when their request could not be posted: the invite when the
 * bot is not in the channel, otherwise what the chat (or the pacing in front of it) said.
 */
export function postFailure(err: unknown, ref: string): { summary: Text; reply: Text } {
  if (err instanceof ChatError && err.notMember) {
    return {
      summary: `Could not post the request to the channel: the bot is not in it (${err.code}).`,
      reply: t`${emoji('x')} Could not post to this channel, so nothing was changed. Invite the bot with ${code(
        '/invite @opsdeck',
      )} and try again (ref ${code(ref)}).`,
    };
  }
  const said = (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
  return {
    summary: `Could not post the request to the channel: ${said}.`,
    reply: concat(
      t`${emoji('x')} Could not post the request to this channel, so nothing was changed: ${said}. `,
      t`Try again in a minute (ref ${code(ref)}).`,
    ),
  };
}
