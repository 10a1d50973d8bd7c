import type { SlackEmulator, StoredMessage } from '../../src/sandbox/slack/index.ts';

interface Waiter {
  matches(message: StoredMessage): boolean;
  resolve(message: StoredMessage): void;
}

/**
 * Follows a channel through the emulator's events: with a hundred waits at once, polling every message on
 * every change would cost more than the replicas under test.
 */
export class ChannelWatch {
  readonly #latest = new Map<string, StoredMessage>();
  #waiters: Waiter[] = [];

  constructor(slack: SlackEmulator, channel: string) {
    const see = (message: StoredMessage) => {
      if (message.channel !== channel || message.threadTs || message.ephemeralTo) return;
      this.#latest.set(message.ts, message);
      const done = this.#waiters.filter((w) => w.matches(message));
      this.#waiters = this.#waiters.filter((w) => !done.includes(w));
      for (const w of done) w.resolve(message);
    };
    slack.on('message', see);
    slack.on('update', see);
  }

  /** The first channel message (as it is now or once edited) that `matches`; fails after `timeoutMs`. */
  until(what: string, matches: (message: StoredMessage) => boolean, timeoutMs = 60_000): Promise<StoredMessage> {
    const now = [...this.#latest.values()].find(matches);
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`no message in ${timeoutMs} ms: ${what}`));
      }, timeoutMs);
      const waiter: Waiter = {
        matches,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      };
      this.#waiters.push(waiter);
    });
  }
}
