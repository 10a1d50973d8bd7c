import { z } from 'zod';
import type { IncomingGroup } from '../core/alerts/alert-group.ts';

/** The CloudWatch alarm state change SNS delivers as a notification's Message. */
export const cloudwatchAlarm = z.object({
  AlarmName: z.string().min(1).max(255),
  AlarmDescription: z.string().max(1024).nullish(),
  AWSAccountId: z.string().optional(),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  NewStateReason: z.string().max(1024).optional(),
  StateChangeTime: z.string().min(1),
  AlarmArn: z.string().min(1).max(1024).optional(),
  Trigger: z
    .object({
      MetricName: z.string().optional(),
      Namespace: z.string().optional(),
      Dimensions: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
    })
    .passthrough()
    .optional(),
});
export type CloudwatchAlarm = z.infer<typeof cloudwatchAlarm>;

/** `2026-11-24T10:00:00.000+0000` (CloudWatch's offset has no colon) as a Date. */
function changeTime(text: string, fallback: Date): Date {
  const at = new Date(text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(at.getTime()) ? fallback : at;
}

/**
 * Labels of an alarm: its name, its metric's dimensions, and `key=value` words in its description
 * (`service=api env=prod severity=critical`), which is where routing labels go since SNS sends no tags.
 */
export function alarmLabels(alarm: CloudwatchAlarm): Record<string, string> {
  const labels: Record<string, string> = { alertname: alarm.AlarmName };
  for (const d of alarm.Trigger?.Dimensions ?? []) labels[d.name] = d.value;
  for (const [, k, v] of (alarm.AlarmDescription ?? '').matchAll(/(?:^|\s)([a-zA-Z_][\w]*)=(\S+)/g)) labels[k!] = v!;
  return labels;
}

/** An alarm as an alert group (keyed by its ARN); undefined for INSUFFICIENT_DATA, which is neither. */
export function alarmGroup(alarm: CloudwatchAlarm, now: Date): IncomingGroup | undefined {
  if (alarm.NewStateValue === 'INSUFFICIENT_DATA') return undefined;
  const at = changeTime(alarm.StateChangeTime, now);
  const status = alarm.NewStateValue === 'ALARM' ? 'firing' : 'resolved';
  const labels = alarmLabels(alarm);
  const description = (alarm.AlarmDescription ?? '').replace(/(?:^|\s)[a-zA-Z_]\w*=\S+/g, '').trim();
  return {
    source: 'cloudwatch',
    key: alarm.AlarmArn ?? `${alarm.AWSAccountId ?? ''}:${alarm.AlarmName}`,
    status,
    labels,
    alerts: [
      {
        name: alarm.AlarmName,
        status,
        labels,
        annotations: { summary: description || alarm.NewStateReason || alarm.AlarmName },
        startsAt: at,
        endsAt: status === 'resolved' ? at : undefined,
      },
    ],
  };
}
