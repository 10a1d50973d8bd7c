import { execFile } from 'node:child_process';
import { createSign } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringToSign, type SnsMessage } from '../../src/alerts/sns.ts';
import { startHarness, textOf, type Harness } from '../helpers/harness.ts';

const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:opsdeck-alarms';

let dir: string;
let key: string;
let cert: string;
let sns: Server;
let origin: string;
let hits: string[];
let h: Harness;

// A key and certificate made here stand in for SNS's; the bot fetches the certificate from a local server
// that only the harness (never the config) allows.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opsdeck-sns-'));
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=sns.amazonaws.com',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  key = await readFile(join(dir, 'key.pem'), 'utf8');
  cert = await readFile(join(dir, 'cert.pem'), 'utf8');
  sns = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/SimpleNotificationService-test.pem') return res.end(cert);
    res.end('<ConfirmSubscriptionResponse/>');
  });
  await new Promise<void>((resolve) => sns.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(sns.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => sns?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  hits = [];
  h = await startHarness({ alerts: { snsUrlAllowed: (url) => url.origin === origin } });
});
afterEach(async () => {
  await h?.stop();
});

function signed(fields: Record<string, string>, version: '1' | '2' = '2'): SnsMessage {
  const message = {
    MessageId: `msg-${Math.random()}`,
    TopicArn: TOPIC,
    Timestamp: h.clock.now().toISOString(),
    SignatureVersion: version,
    SigningCertURL: `${origin}/SimpleNotificationService-test.pem`,
    Signature: '',
    ...fields,
  } as SnsMessage;
  const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  signer.update(stringToSign(message));
  return { ...message, Signature: signer.sign(key, 'base64') };
}

function alarm(state: 'ALARM' | 'OK', version: '1' | '2' = '2'): SnsMessage {
  const body = {
    AlarmName: 'api-prod-5xx',
    AlarmDescription: 'service=api env=prod severity=critical 5xx above 5% on the load balancer',
    AWSAccountId: '123456789012',
    NewStateValue: state,
    NewStateReason: 'Threshold Crossed: 1 datapoint [7.0] was greater than the threshold (5.0).',
    StateChangeTime: '2026-11-25T09:59:00.000+0000',
    AlarmArn: 'arn:aws:cloudwatch:eu-central-1:123456789012:alarm:api-prod-5xx',
    Trigger: { MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', Dimensions: [] },
  };
  return signed({ Type: 'Notification', Subject: `${state}: "api-prod-5xx"`, Message: JSON.stringify(body) }, version);
}

const deliver = (message: unknown) =>
  fetch(`${h.baseUrl}/alerts/cloudwatch`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' },
    body: JSON.stringify(message),
  });
const posts = () => h.slack.messages({ channel: 'C0DEPLOYS' }).filter((m) => !m.ephemeralTo);
const metrics = async () => (await fetch(`${h.baseUrl}/metrics`)).text();

describe('POST /alerts/cloudwatch (SNS)', () => {
  it('confirms a signed subscription by fetching its SubscribeURL', async () => {
    const confirmation = signed({
      Type: 'SubscriptionConfirmation',
      Token: 'token-123',
      Message: 'You have chosen to subscribe to the topic.',
      SubscribeURL: `${origin}/?Action=ConfirmSubscription&Token=token-123`,
    });
    const res = await deliver(confirmation);
    expect(await res.json()).toEqual({ ok: true, outcome: 'subscribed' });
    expect(hits).toContain('/?Action=ConfirmSubscription&Token=token-123');
  });

  it('posts a valid alarm (signatures v1 and v2), resolves it on OK, fetches the certificate once', async () => {
    expect((await deliver(alarm('ALARM', '1'))).status).toBe(200);
    const msg = await h.slack.waitFor(() => posts().find((m) => m.text.includes('Firing: api-prod-5xx')));
    expect(textOf(msg)).toContain('5xx above 5% on the load balancer');
    expect(textOf(msg)).toContain('via cloudwatch');
    expect((await deliver(alarm('OK', '2'))).status).toBe(200);
    await h.slack.waitFor(() => posts().find((m) => m.ts === msg.ts && m.text.includes('Resolved: api-prod-5xx')));
    expect(posts()).toHaveLength(1);
    expect(hits.filter((u) => u.endsWith('.pem'))).toHaveLength(1);
  });

  it.each([
    [
      'a forged alarm (signed, then altered)',
      () => ({ ...alarm('ALARM'), Message: '{"AlarmName":"x"}' }),
      403,
      'bad_signature',
    ],
    ['an unsigned one', () => ({ ...alarm('ALARM'), Signature: undefined }), 400, 'invalid'],
    ['a stale one', () => signedAt(alarm('ALARM'), -3_600_000), 400, 'stale'],
    [
      'another topic',
      () => ({ ...alarm('ALARM'), TopicArn: TOPIC.replace('opsdeck', 'other') }),
      403,
      'topic_not_allowed',
    ],
    [
      'a certificate outside SNS',
      () => ({ ...alarm('ALARM'), SigningCertURL: 'https://attacker.example/cert.pem' }),
      403,
      'bad_certificate_url',
    ],
  ])('refuses %s, counts it and posts nothing', async (_what, message, status, reason) => {
    const res = await deliver(message());
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ ok: false, error: reason });
    expect(await metrics()).toContain(`opsdeck_alerts_refused_total{source="cloudwatch",reason="${reason}"} 1`);
    expect(posts()).toEqual([]);
  });
});

/** The message re-signed with its Timestamp moved by `offsetMs`: a valid signature on an old message. */
function signedAt(message: SnsMessage, offsetMs: number): SnsMessage {
  const { Signature: _, ...fields } = message;
  return signed({ ...fields, Timestamp: new Date(h.clock.now().getTime() + offsetMs).toISOString() } as never);
}
