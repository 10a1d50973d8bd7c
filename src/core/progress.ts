import type { Chat } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { textMessage } from './message.ts';
import type { Text } from './text.ts';

/**
 * One progress message in the request's thread, edited in place rather than flooding the thread.
 * Edits are spaced at least `minGapMs` apart; the latest line always wins, and `close` writes the last.
 */
export function progressReporter(options: {
  chat: Chat;
  channel: string;
  threadTs: string | undefined;
  clock: Clock;
  minGapMs: number;
  log: Logger;
}) {
  let ts: string | undefined;
  let lastAt = 0;
  let latest: Text = '';
  // Compared by content: the same line built twice is not edited again.
  let shown = JSON.stringify(latest);
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();

  const flush = () => {
    timer = undefined;
    const text = latest;
    if (JSON.stringify(text) === shown) return chain;
    shown = JSON.stringify(text);
    lastAt = options.clock.now().getTime();
    chain = chain
      .then(async () => {
        if (ts) await options.chat.update(options.channel, ts, textMessage(text));
        else ts = (await options.chat.post(options.channel, textMessage(text), options.threadTs)).ts;
      })
      .catch((err: unknown) => options.log.warn({ err }, 'could not update progress'));
    return chain;
  };

  return {
    async report(text: Text): Promise<void> {
      latest = text;
      const wait = lastAt + options.minGapMs - options.clock.now().getTime();
      // Never waits for Slack: a slow chat API must not slow the change it reports on.
      if (wait <= 0) {
        if (timer) clearTimeout(timer);
        void flush();
      } else if (!timer) {
        timer = setTimeout(() => void flush(), wait);
      }
    },
    async close(text: Text): Promise<void> {
      if (timer) clearTimeout(timer);
      latest = text;
      await flush();
    },
  };
}
