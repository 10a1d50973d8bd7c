import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { IncomingGroup } from '../core/alerts/alert-group.ts';

const labels = z.record(z.string(), z.string());
const time = z.iso.datetime({ offset: true });

/** Alertmanager's webhook payload, version 4 (its docs: configuration, `webhook_config`). */
export const alertmanagerPayload = z.object({
  version: z.literal('4'),
  groupKey: z.string().min(1).max(10_000),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(1000),
  groupLabels: labels,
  commonLabels: labels,
  commonAnnotations: labels,
  externalURL: z.string().max(2000),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels,
        annotations: labels,
        startsAt: time,
        endsAt: time,
        generatorURL: z.string().max(4000).optional(),
        fingerprint: z.string().max(100).optional(),
      }),
    )
    .min(1)
    .max(10_000),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayload>;

const httpUrl = (url: string | undefined) => (url && /^https?:\/\//.test(url) ? url : undefined);

/** One notification as an alert group; its key is the receiver's and group's, stable across repeats. */
export function alertmanagerGroup(payload: AlertmanagerPayload): IncomingGroup {
  const key = createHash('sha256').update(`${payload.receiver}\n${payload.groupKey}`).digest('hex').slice(0, 40);
  return {
    source: 'alertmanager',
    key,
    status: payload.status,
    labels: payload.commonLabels,
    url: httpUrl(payload.externalURL),
    alerts: payload.alerts.map((a) => ({
      name: a.labels.alertname ?? 'alert',
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: new Date(a.startsAt),
      // A firing alert's endsAt is when Alertmanager would consider it resolved without news, not an end.
      endsAt: a.status === 'resolved' ? new Date(a.endsAt) : undefined,
      url: httpUrl(a.generatorURL),
    })),
  };
}
