import { z } from 'zod';

/** One alert as a source reported it, in the terms every source shares. */
export interface IncomingAlert {
  name: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  endsAt?: Date | undefined;
  /** Where to see it at its source (a Prometheus graph, the CloudWatch console). */
  url?: string | undefined;
}

/** An alert group as its source grouped it: one message in Slack, edited as the group changes. */
export interface IncomingGroup {
  source: 'alertmanager' | 'cloudwatch' | 'generic';
  /** Stable across notifications of the group: Alertmanager's groupKey, an alarm's ARN, a generic `group`. */
  key: string;
  status: 'firing' | 'resolved';
  /** Labels every alert of the group shares: routing reads these. */
  labels: Record<string, string>;
  alerts: IncomingAlert[];
  url?: string | undefined;
}

/** At most this many alerts are kept and shown per group; the rest are counted. */
export const SHOWN_ALERTS = 20;

const storedAlert = z.object({
  name: z.string(),
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  summary: z.string().optional(),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  url: z.string().optional(),
});

/** What the store keeps of a group: what its message shows, as JSON. */
export const groupContentSchema = z.object({
  source: z.string(),
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  severity: z.string().optional(),
  alerts: z.array(storedAlert),
  firing: z.number(),
  resolved: z.number(),
  /** The earliest start the group has shown: "resolved after" counts from it. */
  startedAt: z.string(),
  endedAt: z.string().optional(),
  url: z.string().optional(),
  /** Notifications received for it: Alertmanager repeats the group every repeat_interval. */
  notifications: z.number(),
});
export type GroupContent = z.infer<typeof groupContentSchema>;

const ANNOTATIONS = ['summary', 'description', 'message'];

/** The group as stored, merged with what an earlier notification of it said (its first start is kept). */
export function groupContent(
  group: IncomingGroup,
  severity: string | undefined,
  now: Date,
  before?: GroupContent,
): GroupContent {
  const firing = group.alerts.filter((a) => a.status === 'firing').length;
  const starts = group.alerts.map((a) => a.startsAt.getTime()).filter((t) => Number.isFinite(t) && t > 0);
  const earliest = Math.min(...starts, before ? Date.parse(before.startedAt) : Number.POSITIVE_INFINITY);
  const ends = group.alerts.flatMap((a) => (a.endsAt && a.status === 'resolved' ? [a.endsAt.getTime()] : []));
  const names = [...new Set(group.alerts.map((a) => a.name))];
  return {
    source: group.source,
    name: group.labels.alertname ?? (names.length === 1 ? names[0]! : names.slice(0, 3).join(', ')),
    labels: group.labels,
    ...(severity ? { severity } : {}),
    alerts: [...group.alerts]
      .sort((a, b) => (a.status === b.status ? 0 : a.status === 'firing' ? -1 : 1))
      .slice(0, SHOWN_ALERTS)
      .map((a) => ({
        name: a.name,
        status: a.status,
        labels: a.labels,
        ...summaryOf(a),
        startsAt: a.startsAt.toISOString(),
        ...(a.endsAt && a.status === 'resolved' ? { endsAt: a.endsAt.toISOString() } : {}),
        ...(a.url ? { url: a.url } : {}),
      })),
    firing,
    resolved: group.alerts.length - firing,
    startedAt: new Date(Number.isFinite(earliest) ? earliest : now.getTime()).toISOString(),
    ...(group.status === 'resolved' && ends.length ? { endedAt: new Date(Math.max(...ends)).toISOString() } : {}),
    ...(group.url ? { url: group.url } : {}),
    notifications: (before?.notifications ?? 0) + 1,
  };
}

function summaryOf(alert: IncomingAlert): { summary?: string } {
  const key = ANNOTATIONS.find((k) => alert.annotations[k]);
  return key ? { summary: alert.annotations[key]!.slice(0, 300) } : {};
}

/** Reads stored content back; a row written by another version that does not fit is shown as its name only. */
export function readContent(content: Record<string, unknown>): GroupContent | undefined {
  const parsed = groupContentSchema.safeParse(content);
  return parsed.success ? parsed.data : undefined;
}
