import { z } from 'zod';
import { DURATION_PATTERN } from '../core/duration.ts';

const duration = z.string().regex(DURATION_PATTERN, 'expected a duration such as 30m, 12h or 7d');
const channelId = z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'expected a Slack channel id such as C0123ABCD (not a #name)');
const labelNames = (fallback: string[], what: string) =>
  z
    .array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a label name'))
    .min(1)
    .default(fallback)
    .describe(`Labels read for the ${what}, first present wins (default ${fallback.join(', ')}).`);

const route = z
  .strictObject({
    service: z.string().min(1).optional().describe('Only alerts of this service.'),
    env: z.string().min(1).optional().describe('Only alerts of this environment.'),
    severity: z.array(z.string().min(1)).min(1).optional().describe('Only alerts with one of these severities.'),
    channel: channelId.describe('Where matching alerts are posted.'),
  })
  .describe('Alerts matching every given field go to `channel`; the first matching route wins.');

/** The `alerts:` section of opsdeck.yaml: where incoming alerts are posted and what their messages offer. */
export const alertsSchema = z
  .strictObject({
    channel: channelId.describe('Where alerts go when no route matches.'),
    routes: z.array(route).default([]),
    labels: z
      .strictObject({
        service: labelNames(['service'], 'service'),
        namespace: labelNames(['namespace'], "Kubernetes namespace (a service's `kubernetes.namespace`)"),
        env: labelNames(['env'], 'environment'),
        severity: labelNames(['severity'], 'severity'),
      })
      .default({ service: ['service'], namespace: ['namespace'], env: ['env'], severity: ['severity'] })
      .describe('Which labels map an alert to a service, an environment and a severity.'),
    recentChanges: duration
      .default('6h')
      .describe('How far back the changes shown with an alert (and its Roll back button) go.'),
    scaleStep: z.int().min(1).max(100).default(2).describe('Replicas the Scale +N button adds, within the bounds.'),
    perMinute: z
      .int()
      .min(1)
      .max(60)
      .default(10)
      .describe('Alert messages one channel gets a minute; groups beyond that go into one summary message.'),
    cloudwatch: z
      .strictObject({
        regions: z
          .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as us-east-1'))
          .min(1)
          .describe('Regions whose SNS signing certificates are accepted.'),
        topics: z
          .array(z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, 'expected an SNS topic ARN'))
          .min(1)
          .describe('SNS topics allowed to deliver alarms (and to be subscribed to).'),
        maxAge: duration.default('15m').describe('Signed messages older than this are refused as stale.'),
      })
      .optional()
      .describe('CloudWatch alarms through an SNS HTTP(S) subscription to POST /alerts/cloudwatch.'),
  })
  .describe(
    'Alert intake: Alertmanager, CloudWatch (SNS) and generic webhooks posted to Slack, one message per group.',
  );

export type AlertsConfig = z.output<typeof alertsSchema>;
