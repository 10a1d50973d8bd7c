import { hex, pick } from './random.ts';

export interface MessageContext {
  readonly group: string;
  readonly stream: string;
  /** Position of the event in this generator's output, from 0. */
  readonly index: number;
  readonly timestamp: number;
  /** Whether this event should read as a failure (5xx, `"level":"error"`, a stack trace). */
  readonly error: boolean;
  /** Whether this event should carry a fake credential, for testing redaction downstream. */
  readonly secret: boolean;
  /** The generator's seeded randomness; use it to keep custom messages reproducible. */
  readonly random: () => number;
}

const ROUTES = [
  'GET /v1/orders',
  'GET /v1/orders/{id}',
  'POST /v1/orders',
  'POST /v1/checkout',
  'GET /v1/products',
  'GET /healthz',
];
const INFO = ['order created', 'cache hit', 'payment authorized', 'request completed', 'inventory reserved'];
const FAILURES = [
  { msg: 'payment provider failed', error: 'Error: upstream responded 502 Bad Gateway', status: 502 },
  { msg: 'database unavailable', error: 'Error: connect ETIMEDOUT 10.0.3.17:5432', status: 503 },
  { msg: 'unhandled exception', error: "TypeError: Cannot read properties of undefined (reading 'sku')", status: 500 },
];
const FRAMES = ['PaymentClient.charge', 'OrderRepository.find', 'CheckoutService.submit'];
const JWT_HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
const KEY_ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'];

/**
 * Realistic service output: access-log lines (`GET /v1/orders 200 12ms request_id=…`) and JSON lines
 * (`{"level":"info",…}`); failures as 5xx lines, `"level":"error"` JSON or plain `ERROR` lines with a
 * stack trace; and, when `ctx.secret`, a line leaking a JWT, a password or an AKIA-shaped access key id.
 * Every line carries a request id that is unique within the generator.
 */
export function defaultMessage(ctx: MessageContext): string {
  const r = ctx.random;
  // The event index leads the id, so ids never repeat however the random part falls.
  const id = `${ctx.index.toString(16).padStart(8, '0')}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
  if (ctx.secret) return secretLine(ctx, id);
  const route = pick(r, ROUTES).replace('{id}', String(1000 + Math.floor(r() * 9000)));
  const [method = 'GET', path = '/'] = route.split(' ');
  const ms = (slow: boolean) => Math.round(2 + r() * (slow ? 3000 : 80));
  const shape = r();
  if (ctx.error) {
    const { msg, error, status } = pick(r, FAILURES);
    if (shape < 0.35) return `${route} ${status} ${ms(true)}ms request_id=${id}`;
    if (shape < 0.7) return JSON.stringify({ level: 'error', msg, status, method, path, request_id: id, error });
    const frame = `    at ${pick(r, FRAMES)} (/app/dist/services.js:${100 + Math.floor(r() * 400)}:17)`;
    const tail = '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)';
    return [`ERROR request_id=${id} ${msg} in ${route}`, error, frame, tail].join('\n');
  }
  if (shape < 0.5) return `${route} ${method === 'POST' ? 201 : 200} ${ms(false)}ms request_id=${id}`;
  const warn = shape > 0.95;
  const msg = warn ? 'slow query' : pick(r, INFO);
  return JSON.stringify({
    level: warn ? 'warn' : 'info',
    msg,
    status: 200,
    method,
    path,
    duration_ms: ms(warn),
    request_id: id,
  });
}

function secretLine(ctx: MessageContext, id: string): string {
  const r = ctx.random;
  const kind = r();
  if (kind < 1 / 3) {
    const claims = { sub: `user-${Math.floor(r() * 10_000)}`, iat: Math.floor(ctx.timestamp / 1000) };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const jwt = `${JWT_HEADER}.${payload}.${Buffer.from(hex(r, 64), 'hex').toString('base64url')}`;
    return `DEBUG request_id=${id} upstream request headers: Authorization: Bearer ${jwt}`;
  }
  if (kind < 2 / 3) return `WARN request_id=${id} retrying database login user=orders password=hunter2`;
  const keyId = `AKIA${Array.from({ length: 16 }, () => pick(r, KEY_ALPHABET)).join('')}`;
  return `INFO request_id=${id} loaded credentials aws_access_key_id=${keyId} region=us-east-1`;
}
