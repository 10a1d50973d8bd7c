import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { payloadProblem } from './payloads.ts';

// Slack's rule: a request stamped more than five minutes from now, either way, is refused.
const MAX_SKEW_SECONDS = 5 * 60;
// Slack's own payloads are a few kilobytes; this leaves room for large block_actions states.
const MAX_BODY_BYTES = 1024 * 1024;

export type RejectReason = 'signature' | 'timestamp' | 'payload' | 'too_large';

export interface IntakeOptions {
  signingSecret: string;
  clock: Clock;
  log: Logger;
  rejected(reason: RejectReason): void;
}

type Next = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Checks every request to the events endpoint before Bolt sees it: the v0 signature against the
 * injected clock (stale *and* future stamps are refused), and the payload's shape, so a signed but
 * malformed payload gets a 400 instead of failing inside a handler. The buffered body is handed on
 * as `rawBody`, which Bolt reuses instead of reading the stream again.
 */
export function slackIntake(options: IntakeOptions, endpoint: string, next: Next): Next {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== endpoint || req.method?.toUpperCase() !== 'POST') return next(req, res);
    readBody(req).then(
      (body) => {
        const verdict = check(options, req, body);
        if (verdict) {
          options.rejected(verdict.reason);
          options.log.warn(
            { reason: verdict.reason, detail: verdict.detail },
            'refused a request to the Slack endpoint',
          );
          res.writeHead(verdict.status, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`${verdict.detail}\n`);
          return;
        }
        Object.assign(req, { rawBody: body });
        next(req, res);
      },
      () => {
        options.rejected('too_large');
        res.writeHead(413);
        res.end();
      },
    );
  };
}

function check(
  options: IntakeOptions,
  req: IncomingMessage,
  body: Buffer,
): { status: number; reason: RejectReason; detail: string } | undefined {
  const text = body.toString('utf8');
  const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  // Slack's SSL check carries no signature; Bolt answers it and strips anything else in the body.
  if (form && parseQuery(text).ssl_check === '1') return undefined;
  const stamp = header(req, 'x-slack-request-timestamp');
  const signature = header(req, 'x-slack-signature');
  const seconds = Number(stamp);
  if (!stamp || !Number.isInteger(seconds))
    return { status: 401, reason: 'timestamp', detail: 'missing or malformed x-slack-request-timestamp' };
  const skew = seconds - Math.floor(options.clock.now().getTime() / 1000);
  if (Math.abs(skew) > MAX_SKEW_SECONDS) {
    return {
      status: 401,
      reason: 'timestamp',
      detail: `request timestamp is ${Math.abs(skew)} s in the ${skew > 0 ? 'future' : 'past'}`,
    };
  }
  if (!signature || !validSignature(options.signingSecret, stamp, text, signature)) {
    return { status: 401, reason: 'signature', detail: 'signature mismatch' };
  }
  const problem = payloadProblem(form ? parseQuery(text) : parseJson(text), form);
  return problem ? { status: 400, reason: 'payload', detail: problem } : undefined;
}

function validSignature(secret: string, stamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${stamp}:${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // An oversized body is drained, not kept, so the client still gets its 413.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(new Error('body too large')) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}
