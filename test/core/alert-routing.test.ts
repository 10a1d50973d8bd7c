import { describe, expect, it } from 'vitest';
import { type AlertRouting, alertChannel, alertTarget } from '../../src/core/alerts/routing.ts';

const routing: AlertRouting = {
  channel: 'C0DEFAULT',
  routes: [
    { service: 'api', env: 'prod', severity: ['critical'], channel: 'C0APIPAGE' },
    { env: 'prod', channel: 'C0PROD' },
    { severity: ['info'], channel: 'C0NOISE' },
  ],
  labels: { service: ['service', 'app'], namespace: ['namespace'], env: ['env'], severity: ['severity'] },
};
const catalog = {
  services: ['api', 'web'],
  environments: ['staging', 'prod'],
  namespaces: { 'api-ns': 'api' },
};

describe('alertTarget', () => {
  it.each([
    [
      { service: 'api', env: 'prod' },
      { service: 'api', env: 'prod' },
    ],
    [
      { app: 'web', env: 'staging', severity: 'info' },
      { service: 'web', env: 'staging', severity: 'info' },
    ],
    [{ service: 'api', app: 'web' }, { service: 'api' }],
    [
      { namespace: 'api-ns', env: 'prod' },
      { service: 'api', env: 'prod' },
    ],
    [{ service: 'billing', namespace: 'api-ns' }, { service: 'api' }],
    [{ service: 'billing', env: 'qa' }, {}],
    [{ namespace: 'kube-system' }, {}],
    [{ service: ' api ', env: '' }, { service: 'api' }],
  ])('%j → %j', (labels, expected) => {
    const target = alertTarget(labels, routing, catalog);
    expect(Object.fromEntries(Object.entries(target).filter(([, v]) => v !== undefined))).toEqual(expected);
  });
});

describe('alertChannel', () => {
  it.each([
    [{ service: 'api', env: 'prod', severity: 'critical' }, 'C0APIPAGE'],
    [{ service: 'api', env: 'prod', severity: 'warning' }, 'C0PROD'],
    [{ service: 'web', env: 'prod' }, 'C0PROD'],
    [{ service: 'web', env: 'staging', severity: 'info' }, 'C0NOISE'],
    [{ service: 'web', env: 'staging' }, 'C0DEFAULT'],
    [{}, 'C0DEFAULT'],
  ])('%j → %s', (target, channel) => {
    expect(alertChannel(routing, target)).toBe(channel);
  });
});
