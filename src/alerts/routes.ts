import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { IncomingGroup } from '../core/alerts/alert-group.ts';
import type { AlertIntake } from '../core/alerts/alert-intake.ts';
import type { Route } from '../observability/health.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { AlertMetrics } from '../ports/metrics.ts';
import { alertmanagerGroup, alertmanagerPayload } from './alertmanager.ts';
import { authorized, type WebhookCredentials } from './auth.ts';
import { alarmGroup, cloudwatchAlarm } from './cloudwatch.ts';
import { genericGroup, genericPayload, verifyGenericSignature } from './generic.ts';
import { parseJson, readBody, Refusal, sendJson } from './http.ts';
import { type SnsMessage, snsMessage, type SnsVerifier } from './sns.ts';

export const ALERT_PATHS = {
  alertmanager: '/alerts/alertmanager',
  cloudwatch: '/alerts/cloudwatch',
  generic: '/alerts/generic',
} as const;

export interface AlertRoutesOptions {
  intake: Pick<AlertIntake, 'receive'>;
  /** Alertmanager's credentials; the endpoint refuses everything without them. */
  alertmanager: WebhookCredentials;
  /** The generic endpoint's HMAC secret; refused without it. */
  hmacSecret: string | undefined;
  /** CloudWatch through SNS: the verifier and the topics allowed; refused without them. */
  sns: { verifier: SnsVerifier; topics: readonly string[]; fetch?: typeof fetch } | undefined;
  clock: Clock;
  log: Logger;
  metrics: AlertMetrics;
}

type Source = keyof typeof ALERT_PATHS;

/**
 * The alert endpoints. Every request is authenticated and validated before anything is stored or posted;
 * a refused one gets a 4xx with its reason, is counted and logged, and changes nothing.
 */
export function alertRoutes(o: AlertRoutesOptions): Route[] {
  const handle =
    (source: Source, work: (req: IncomingMessage, body: string) => Promise<Record<string, unknown>>) =>
    async (req: IncomingMessage, res: ServerResponse) => {
      try {
        const body = await readBody(req);
        sendJson(res, 200, { ok: true, ...(await work(req, body)) });
      } catch (err) {
        if (err instanceof Refusal) {
          o.metrics.alertRefused(source, err.reason);
          o.log.warn({ source, reason: err.reason, detail: err.message }, 'alert request refused');
          return sendJson(res, err.status, { ok: false, error: err.reason });
        }
        // Not the sender's fault: a 5xx makes Alertmanager and SNS deliver it again.
        o.log.error({ err, source }, 'alert could not be handled');
        sendJson(res, 502, { ok: false, error: 'failed' });
      }
    };

  const receive = async (group: IncomingGroup) => ({ outcome: await o.intake.receive(group) });

  return [
    {
      path: ALERT_PATHS.alertmanager,
      method: 'POST',
      handler: handle('alertmanager', async (req, body) => {
        const { bearerToken, basic } = o.alertmanager;
        if (!bearerToken && !basic) throw new Refusal(404, 'disabled', 'no Alertmanager credentials are set');
        if (!authorized(req.headers.authorization, o.alertmanager)) throw new Refusal(401, 'unauthenticated');
        return receive(alertmanagerGroup(valid(alertmanagerPayload, parseJson(body))));
      }),
    },
    {
      path: ALERT_PATHS.generic,
      method: 'POST',
      handler: handle('generic', async (req, body) => {
        if (!o.hmacSecret) throw new Refusal(404, 'disabled', 'no HMAC secret is set');
        const headers = {
          timestamp: header(req, 'x-opsdeck-timestamp'),
          signature: header(req, 'x-opsdeck-signature'),
        };
        verifyGenericSignature(headers, body, o.hmacSecret, o.clock.now());
        return receive(genericGroup(valid(genericPayload, parseJson(body)), o.clock.now()));
      }),
    },
    {
      path: ALERT_PATHS.cloudwatch,
      method: 'POST',
      handler: handle('cloudwatch', async (_req, body) => {
        const sns = o.sns;
        if (!sns) throw new Refusal(404, 'disabled', 'alerts.cloudwatch is not configured');
        const message = valid(snsMessage, parseJson(body));
        if (!sns.topics.includes(message.TopicArn)) throw new Refusal(403, 'topic_not_allowed', message.TopicArn);
        await sns.verifier.verify(message, o.clock.now());
        return snsDelivery(message, sns, receive, o);
      }),
    },
  ];
}

async function snsDelivery(
  message: SnsMessage,
  sns: NonNullable<AlertRoutesOptions['sns']>,
  receive: (group: IncomingGroup) => Promise<Record<string, unknown>>,
  o: AlertRoutesOptions,
): Promise<Record<string, unknown>> {
  if (message.Type === 'UnsubscribeConfirmation') {
    o.log.warn({ topic: message.TopicArn }, 'SNS unsubscribed opsdeck from the topic');
    return { outcome: 'unsubscribed' };
  }
  if (message.Type === 'SubscriptionConfirmation') {
    // Signed by SNS and for an allowed topic; the URL is fetched only from an SNS host all the same.
    if (!sns.verifier.allowed(message.SubscribeURL)) throw new Refusal(403, 'bad_subscribe_url');
    const res = await (sns.fetch ?? fetch)(message.SubscribeURL, {
      redirect: 'error',
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`SNS answered ${res.status} to the subscription confirmation`);
    o.log.info({ topic: message.TopicArn }, 'SNS subscription confirmed');
    return { outcome: 'subscribed' };
  }
  const group = alarmGroup(valid(cloudwatchAlarm, parseJson(message.Message)), o.clock.now());
  if (!group) {
    o.metrics.alertHandled('cloudwatch', 'ignored');
    return { outcome: 'ignored' };
  }
  return receive(group);
}

function valid<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Refusal(400, 'invalid', issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid');
  }
  return parsed.data;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
