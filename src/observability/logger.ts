import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { createRedactor, REDACTED, type Redactor } from '../core/redact.ts';

// Structured fields that may carry credentials, wherever they appear.
const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers["x-slack-signature"]',
  'headers.authorization',
  'headers.Authorization',
];
// Deeper than this a value is dropped rather than written unread (SDK errors carry whole responses).
const MAX_DEPTH = 8;

function scrubber(text: (s: string) => string): (value: unknown) => unknown {
  const scrub = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return text(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    if (depth > MAX_DEPTH) return REDACTED;
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
    const fields = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1, seen)]));
    if (!(value instanceof Error)) return fields;
    const { name, message, stack, cause } = value;
    const error = { type: name, message: text(message), stack: stack && text(stack), ...fields };
    return cause === undefined ? error : { ...error, cause: scrub(cause, depth + 1, seen) };
  };
  return (value) => scrub(value, 0, new WeakSet());
}

/**
 * JSON logs with secrets removed by field name and by what the text looks like: the message, every
 * string field at any depth, errors (message, stack, cause), printf arguments and child bindings
 * all pass through the same redactor as chat and audit (the built-in rules unless one is given).
 */
export function createLogger(
  level: string,
  destination?: DestinationStream,
  redactor: Pick<Redactor, 'text'> = createRedactor(),
): PinoLogger {
  const scrub = scrubber(redactor.text);
  const logger = pino(
    {
      level,
      base: { service: 'opsdeck' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: scrub },
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          // pino takes the message of an Error passed first as is; hand it over as a field instead.
          const [first, ...rest] = args as unknown[];
          const withMessage = typeof rest[0] === 'string' ? [] : [(first as Error).message];
          const lead = first instanceof Error ? [{ err: first }, ...withMessage] : [first];
          // Past the first argument an object is a printf argument, which no formatter sees.
          const all = [...lead, ...rest].map((a, i) => {
            if (typeof a === 'string') return redactor.text(a);
            return i > 0 && typeof a === 'object' ? scrub(a) : a;
          });
          method.apply(this, all as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
  // pino does not pass child bindings through `formatters`, so they are scrubbed on the way in.
  const child = logger.child;
  logger.child = function (this: PinoLogger, bindings, options) {
    return child.call(this, scrub(bindings) as typeof bindings, options);
  } as typeof logger.child;
  return logger;
}
