import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../ports/logger.ts';

/** Routes Bolt's own logging into our structured (and redacted) log. */
export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (args: unknown[]) =>
    args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' ');
  return {
    debug: (...args) => log.debug({ component: 'bolt' }, text(args)),
    info: (...args) => log.info({ component: 'bolt' }, text(args)),
    warn: (...args) => log.warn({ component: 'bolt' }, text(args)),
    error: (...args) => log.error({ component: 'bolt' }, text(args)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
