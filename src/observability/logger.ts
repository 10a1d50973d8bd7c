import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { redact } from '../core/redact.ts';

// Structured fields that may carry credentials, wherever they appear.
const REDACT_PATHS = [
  'token', '*.token', 'botToken', '*.botToken', 'appToken', '*.appToken', 'signingSecret', '*.signingSecret',
  'password', '*.password', 'authorization', '*.authorization', '*.headers.authorization', '*.headers.Authorization',
  '*.headers["x-slack-signature"]', 'headers.authorization', 'headers.Authorization',
];

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: redact(value.message), stack: value.stack && redact(value.stack) };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

/** JSON logs with secrets removed both by field name and by what the text looks like. */
export function createLogger(level: string, destination?: DestinationStream): PinoLogger {
  return pino(
    {
      level,
      base: { service: 'opsdeck' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      serializers: { err: (err: unknown) => scrub(err) },
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redact(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
