import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../ports/logger.ts';

/**
 * Routes the logging of Bolt and of the Slack Web API clients into our structured (and redacted) log; left
 * to themselves they print plain `[WARN]  web-api:WebClient:1 …` lines between the JSON ones.
 */
export function boltLogger(log: Logger, component = 'bolt'): BoltLogger {
  let level = 'info' as LogLevel;
  const text = (args: unknown[]) =>
    args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' ');
  return {
    // Their debug output carries whole request and response bodies (message texts, user ids): it is left out
    // unless one of them is told to log at debug level.
    debug: (...args) => {
      if (level === ('debug' as LogLevel)) log.debug({ component }, text(args));
    },
    info: (...args) => log.info({ component }, text(args)),
    warn: (...args) => log.warn({ component }, text(args)),
    error: (...args) => log.error({ component }, text(args)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
