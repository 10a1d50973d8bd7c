import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.ts';

const TOKEN = 'alertmanager-test-token-0123456789';
const HMAC_SECRET = 'generic-hmac-secret-0123456789';

let h: Harness;

beforeEach(async () => {
  h = await startHarness({ env: { OPSDECK_ALERTMANAGER_TOKEN: TOKEN, OPSDECK_ALERTS_HMAC_SECRET: HMAC_SECRET } });
});
afterEach(async () => {
  await h?.stop();
});

function notification(name: string, status: 'firing' | 'resolved' = 'firing', env = 'staging') {
  const labels = { alertname: name, service: 'api', env, severity: 'warning' };
  return {
    version: '4',
    groupKey: `{}:{alertname="${name}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'opsdeck',
    groupLabels: { alertname: name },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: [
      {
        status,
        labels,
        annotations: { summary: `${name} is bad` },
        startsAt: '2026-11-24T09:50:00Z',
        endsAt: status === 'resolved' ? '2026-11-24T09:58:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example:9090/graph',
        fingerprint: 'abc',
      },
    ],
  };
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${h.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const bearer = { authorization: `Bearer ${TOKEN}` };
const posts = (channel = 'C0INCIDENT') => h.slack.messages({ channel }).filter((m) => !m.ephemeralTo);
const metrics = async () => (await fetch(`${h.baseUrl}/metrics`)).text();

describe('POST /alerts/alertmanager', () => {
  it.each([
    ['no credentials', {}, 401, 'unauthenticated'],
    ['a wrong token', { authorization: 'Bearer nope-nope-nope-nope' }, 401, 'unauthenticated'],
    ['basic auth that is not configured', { authorization: `Basic ${btoa(`u:${TOKEN}`)}` }, 401, 'unauthenticated'],
  ])('refuses %s, counts it and posts nothing', async (_what, headers, status, reason) => {
    const res = await post('/alerts/alertmanager', notification('DiskFull'), headers);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ ok: false, error: reason });
    expect(await metrics()).toContain(`opsdeck_alerts_refused_total{source="alertmanager",reason="${reason}"} 1`);
    expect(posts()).toEqual([]);
  });

  it.each([
    ['not JSON', '{"version":'],
    ['another payload version', { ...notification('DiskFull'), version: '3' }],
    ['no alerts', { ...notification('DiskFull'), alerts: [] }],
    [
      'a bad start time',
      { ...notification('DiskFull'), alerts: [{ ...notification('X').alerts[0], startsAt: 'soon' }] },
    ],
  ])('refuses a payload with %s as invalid', async (_what, body) => {
    const res = await post('/alerts/alertmanager', body, bearer);
    expect(res.status).toBe(400);
    expect(await metrics()).toContain('opsdeck_alerts_refused_total{source="alertmanager",reason="invalid"} 1');
    expect(posts()).toEqual([]);
  });

  it('routes by labels: prod alerts to their route, others to the default channel', async () => {
    expect((await post('/alerts/alertmanager', notification('DiskFull', 'firing', 'prod'), bearer)).status).toBe(200);
    expect((await post('/alerts/alertmanager', notification('QueueBacklog'), bearer)).status).toBe(200);
    await h.slack.waitFor(() => posts('C0DEPLOYS').find((m) => m.text.includes('Firing: DiskFull')));
    await h.slack.waitFor(() => posts().find((m) => m.text.includes('Firing: QueueBacklog')));
    expect(await metrics()).toContain('opsdeck_alerts_total{source="alertmanager",outcome="posted"} 2');
  });

  it('edits the message it posted before a restart, and posts anew when a resolved group fires again', async () => {
    await post('/alerts/alertmanager', notification('DiskFull'), bearer);
    const first = await h.slack.waitFor(() => posts().find((m) => m.text.includes('Firing: DiskFull')));
    await h.restartBot();
    await post('/alerts/alertmanager', notification('DiskFull'), bearer);
    await h.slack.waitFor(() => textOf(posts().find((m) => m.ts === first.ts)!).includes('2 notifications'));
    await post('/alerts/alertmanager', notification('DiskFull', 'resolved'), bearer);
    await h.slack.waitFor(() => posts().find((m) => m.ts === first.ts && m.text.includes('Resolved: DiskFull')));
    expect(textOf(posts().find((m) => m.ts === first.ts)!)).toContain('Resolved* after 8m');
    await post('/alerts/alertmanager', notification('DiskFull'), bearer);
    await h.slack.waitFor(() => posts().filter((m) => m.text.includes('Firing: DiskFull'))[0]);
    expect(posts().map((m) => m.text.split(' (')[0])).toEqual(['Resolved: DiskFull', 'Firing: DiskFull']);
  });

  it('answers 502 when Slack refuses the post, and posts the group when Alertmanager retries', async () => {
    h.slack.failMethod('chat.postMessage', { error: 'channel_not_found' }, 1);
    expect((await post('/alerts/alertmanager', notification('DiskFull'), bearer)).status).toBe(502);
    expect(posts()).toEqual([]);
    expect((await post('/alerts/alertmanager', notification('DiskFull'), bearer)).status).toBe(200);
    await h.slack.waitFor(() => posts().find((m) => m.text.includes('Firing: DiskFull')));
    expect(posts()).toHaveLength(1);
  });

  it('counts a resolve for a group it never saw and posts nothing', async () => {
    const res = await post('/alerts/alertmanager', notification('DiskFull', 'resolved'), bearer);
    expect(await res.json()).toEqual({ ok: true, outcome: 'unknown' });
    expect(posts()).toEqual([]);
  });

  it('summarises a storm of 500 groups in a minute: 10 messages, then one summary kept up to date', async () => {
    for (let i = 0; i < 500; i++) {
      const res = await post('/alerts/alertmanager', notification(`Storm${i % 7}x${i}`), bearer);
      expect(res.status).toBe(200);
    }
    const summary = await h.slack.waitFor(
      () => posts().find((m) => m.text.startsWith('Alert storm') && m.text.includes('490 alert groups')),
      { timeoutMs: 15_000 },
    );
    expect(textOf(summary)).toContain('490 firing, 0 resolved');
    expect(posts().filter((m) => m.text.startsWith('Firing:'))).toHaveLength(10);
    expect(posts()).toHaveLength(11);
    expect(await metrics()).toContain('opsdeck_alerts_total{source="alertmanager",outcome="summarised"} 490');

    // A repeat and a resolve of a summarised group change the summary, not the channel.
    await post('/alerts/alertmanager', notification('Storm3x10', 'resolved'), bearer);
    await h.slack.waitFor(() => textOf(posts().find((m) => m.ts === summary.ts)!).includes('489 firing, 1 resolved'));
    expect(posts()).toHaveLength(11);
  });
});

describe('POST /alerts/generic', () => {
  const sign = (body: string, at: number, secret = HMAC_SECRET) => ({
    'x-opsdeck-timestamp': String(at),
    'x-opsdeck-signature': `sha256=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`,
  });
  const now = () => Math.floor(h.clock.now().getTime() / 1000);
  const body = (status: 'firing' | 'resolved') =>
    JSON.stringify({
      group: 'checkout-latency',
      status,
      alertname: 'CheckoutSlow',
      labels: { service: 'api', env: 'staging', severity: 'warning' },
      annotations: { summary: 'p99 checkout latency above 2 s' },
    });

  it('posts a signed alert and resolves its message in place', async () => {
    const firing = body('firing');
    expect((await post('/alerts/generic', firing, sign(firing, now()))).status).toBe(200);
    const msg = await h.slack.waitFor(() => posts().find((m) => m.text.includes('Firing: CheckoutSlow')));
    expect(textOf(msg)).toContain('p99 checkout latency above 2 s');
    const resolved = body('resolved');
    expect((await post('/alerts/generic', resolved, sign(resolved, now()))).status).toBe(200);
    await h.slack.waitFor(() => posts().find((m) => m.ts === msg.ts && m.text.includes('Resolved: CheckoutSlow')));
    expect(posts()).toHaveLength(1);
  });

  it.each([
    ['a bad HMAC', (b: string) => sign(b, now(), 'another-secret-0123456789'), 401, 'bad_signature'],
    ['no signature', () => ({}), 401, 'unsigned'],
    ['a stale timestamp', (b: string) => sign(b, now() - 600), 400, 'stale'],
  ])('refuses %s and posts nothing', async (_what, headers, status, reason) => {
    const b = body('firing');
    const res = await post('/alerts/generic', b, headers(b));
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ ok: false, error: reason });
    expect(await metrics()).toContain(`opsdeck_alerts_refused_total{source="generic",reason="${reason}"} 1`);
    expect(posts()).toEqual([]);
  });

  it('refuses a signed body that is not the documented shape', async () => {
    const b = JSON.stringify({ status: 'burning', alertname: 'X' });
    expect((await post('/alerts/generic', b, sign(b, now()))).status).toBe(400);
    expect(posts()).toEqual([]);
  });
});
