import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import type { IncomingGroup } from '../core/alerts/alert-group.ts';
import { sameSecret } from './auth.ts';
import { Refusal } from './http.ts';

/** Signed requests older or newer than this are refused, so a captured one cannot be replayed later. */
export const GENERIC_WINDOW_MS = 5 * 60_000;

const time = z.iso.datetime({ offset: true });

/** The generic webhook's JSON: one alert, grouped by `group` (default: its name and labels). */
export const genericPayload = z.strictObject({
  group: z.string().min(1).max(200).optional(),
  status: z.enum(['firing', 'resolved']),
  alertname: z.string().min(1).max(200),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: time.optional(),
  endsAt: time.optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
});
export type GenericPayload = z.infer<typeof genericPayload>;

/**
 * Checks `X-Opsdeck-Signature: sha256=<hex>`, the HMAC-SHA256 of `<timestamp>.<body>` with the shared
 * secret, and that `X-Opsdeck-Timestamp` (Unix seconds) is within five minutes of now.
 */
export function verifyGenericSignature(
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  secret: string,
  now: Date,
): void {
  if (!headers.timestamp || !headers.signature) throw new Refusal(401, 'unsigned', 'signature headers missing');
  const seconds = Number(headers.timestamp);
  if (!Number.isInteger(seconds)) throw new Refusal(401, 'unsigned', 'X-Opsdeck-Timestamp is not Unix seconds');
  const expected = `sha256=${createHmac('sha256', secret).update(`${headers.timestamp}.${body}`).digest('hex')}`;
  if (!sameSecret(headers.signature, expected)) throw new Refusal(401, 'bad_signature', 'signature does not match');
  if (Math.abs(now.getTime() - seconds * 1000) > GENERIC_WINDOW_MS)
    throw new Refusal(400, 'stale', 'timestamp too old or new');
}

export function genericGroup(payload: GenericPayload, now: Date): IncomingGroup {
  const labels = { alertname: payload.alertname, ...payload.labels };
  const key =
    payload.group ??
    createHash('sha256')
      .update(JSON.stringify(Object.entries(labels).sort()))
      .digest('hex')
      .slice(0, 40);
  return {
    source: 'generic',
    key,
    status: payload.status,
    labels,
    url: payload.url,
    alerts: [
      {
        name: payload.alertname,
        status: payload.status,
        labels,
        annotations: payload.annotations,
        startsAt: payload.startsAt ? new Date(payload.startsAt) : now,
        endsAt: payload.status === 'resolved' ? (payload.endsAt ? new Date(payload.endsAt) : now) : undefined,
        url: payload.url,
      },
    ],
  };
}
