import { describe, expect, it } from 'vitest';
import { authorized } from '../../src/alerts/auth.ts';
import { alarmGroup, alarmLabels } from '../../src/alerts/cloudwatch.ts';
import { snsHostCheck, stringToSign, type SnsMessage } from '../../src/alerts/sns.ts';

describe('snsHostCheck', () => {
  const allowed = snsHostCheck(['eu-central-1', 'cn-north-1']);
  it.each([
    ['https://sns.eu-central-1.amazonaws.com/SimpleNotificationService-abc.pem', true],
    ['https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem', true],
    ['http://sns.eu-central-1.amazonaws.com/cert.pem', false],
    ['https://sns.us-east-1.amazonaws.com/cert.pem', false],
    ['https://sns.eu-central-1.amazonaws.com.attacker.example/cert.pem', false],
    ['https://attacker.example/sns.eu-central-1.amazonaws.com/cert.pem', false],
    ['https://sns.eu-central-1.amazonaws.com:8443/cert.pem', false],
    ['https://user@sns.eu-central-1.amazonaws.com/cert.pem', false],
  ])('%s → %s', (url, expected) => {
    expect(allowed(new URL(url))).toBe(expected);
  });
});

describe('stringToSign', () => {
  const base = {
    MessageId: 'm1',
    TopicArn: 'arn:aws:sns:eu-central-1:123456789012:t',
    Message: 'hello',
    Timestamp: '2026-11-24T10:00:00.000Z',
    SignatureVersion: '1',
    Signature: 's',
    SigningCertURL: 'https://sns.eu-central-1.amazonaws.com/c.pem',
  } as const;
  it.each([
    [
      { ...base, Type: 'Notification', Subject: 'S' },
      'Message\nhello\nMessageId\nm1\nSubject\nS\nTimestamp\n2026-11-24T10:00:00.000Z\nTopicArn\n' +
        'arn:aws:sns:eu-central-1:123456789012:t\nType\nNotification\n',
    ],
    [
      { ...base, Type: 'Notification' },
      'Message\nhello\nMessageId\nm1\nTimestamp\n2026-11-24T10:00:00.000Z\nTopicArn\n' +
        'arn:aws:sns:eu-central-1:123456789012:t\nType\nNotification\n',
    ],
    [
      { ...base, Type: 'SubscriptionConfirmation', Token: 'tk', SubscribeURL: 'https://x/' },
      'Message\nhello\nMessageId\nm1\nSubscribeURL\nhttps://x/\nTimestamp\n2026-11-24T10:00:00.000Z\nToken\ntk\n' +
        'TopicArn\narn:aws:sns:eu-central-1:123456789012:t\nType\nSubscriptionConfirmation\n',
    ],
  ])('signs the fields SNS signs, in its order (%#)', (message, expected) => {
    expect(stringToSign(message as SnsMessage)).toBe(expected);
  });
});

describe('authorized', () => {
  const creds = { bearerToken: 'token-0123456789abcdef', basic: { username: 'am', password: 'pw-0123456789abcdef' } };
  it.each([
    ['Bearer token-0123456789abcdef', true],
    ['bearer token-0123456789abcdef', true],
    ['Bearer token-0123456789abcdeX', false],
    ['Bearer token', false],
    [`Basic ${btoa('am:pw-0123456789abcdef')}`, true],
    [`Basic ${btoa('am:pw-0123456789abcdeX')}`, false],
    [`Basic ${btoa('pw-0123456789abcdef')}`, false],
    ['Token token-0123456789abcdef', false],
    [undefined, false],
  ])('%s → %s', (header, expected) => {
    expect(authorized(header, creds)).toBe(expected);
  });

  it('refuses basic credentials when only a token is configured', () => {
    expect(authorized(`Basic ${btoa('am:token-0123456789abcdef')}`, { bearerToken: 'token-0123456789abcdef' })).toBe(
      false,
    );
  });
});

describe('CloudWatch alarms', () => {
  const alarm = {
    AlarmName: 'api-prod-5xx',
    AlarmDescription: 'service=api env=prod High 5xx',
    NewStateValue: 'ALARM' as const,
    StateChangeTime: '2026-11-24T10:00:00.000+0000',
    AlarmArn: 'arn:aws:cloudwatch:eu-central-1:1:alarm:api-prod-5xx',
    Trigger: { Dimensions: [{ name: 'LoadBalancer', value: 'app/api/1' }] },
  };
  const now = new Date('2026-11-24T10:05:00Z');

  it('reads labels from the name, the dimensions and key=value words of the description', () => {
    expect(alarmLabels(alarm)).toEqual({
      alertname: 'api-prod-5xx',
      LoadBalancer: 'app/api/1',
      service: 'api',
      env: 'prod',
    });
  });

  it.each([
    ['ALARM', 'firing'],
    ['OK', 'resolved'],
  ] as const)('turns %s into a %s group keyed by the alarm ARN, at its state change time', (state, status) => {
    const group = alarmGroup({ ...alarm, NewStateValue: state }, now)!;
    expect(group).toMatchObject({ status, key: alarm.AlarmArn });
    expect(group.alerts[0]!.startsAt).toEqual(new Date('2026-11-24T10:00:00Z'));
    expect(group.alerts[0]!.annotations.summary).toBe('High 5xx');
  });

  it('leaves INSUFFICIENT_DATA alone', () => {
    expect(alarmGroup({ ...alarm, NewStateValue: 'INSUFFICIENT_DATA' }, now)).toBeUndefined();
  });
});
