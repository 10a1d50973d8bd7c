import type { Replier } from '../ports/chat.ts';
import type { Logger } from '../ports/logger.ts';
import { type Message, textMessage } from './message.ts';
import { emoji, t } from './text.ts';

const NOTICE = t`${emoji('hourglass_flowing_sand')} Working on it… the systems behind this command are slow to answer.`;

/**
 * A replier that tells the user "working on it" when a command has said nothing for `afterMs` (a slow
 * backend), so a slow answer is never mistaken for a lost one. `settle()` says the command answered
 * some other way (a request posted in the channel) or ended.
 */
export function withWorkingNotice(inner: Replier, afterMs: number, log: Logger): Replier & { settle(): void } {
  let answered = false;
  const timer = setTimeout(() => {
    if (answered) return;
    inner.ephemeral(textMessage(NOTICE)).catch((err: unknown) => log.warn({ err }, 'could not send reply'));
  }, afterMs);
  timer.unref();
  const answer = (send: (m: Message) => Promise<void>) => (message: Message) => {
    answered = true;
    clearTimeout(timer);
    return send(message);
  };
  return {
    ephemeral: answer((m) => inner.ephemeral(m)),
    inChannel: answer((m) => inner.inChannel(m)),
    settle: () => clearTimeout(timer),
  };
}
