import { describe, expect, it } from 'vitest';
import { checkConfigText } from '../../src/config/load.ts';

const config = (emergency: string) => `
environments:
  prod:
    approval:
      from: [sre]
      emergency: ${emergency}
services:
  api: {}
roles:
  sre: { members: [U0BOB], allow: ["*"] }
`;

describe('approval.emergency in opsdeck.yaml', () => {
  it.each([
    ['{ role: sre }', { role: 'sre', review: '24h', after: '10m' }],
    ['{ role: sre, after: 0 }', { role: 'sre', review: '24h', after: 0 }],
    ['{ role: sre, after: "0" }', { role: 'sre', review: '24h', after: '0' }],
    ['{ role: sre, after: at-once, review: 4h }', { role: 'sre', review: '4h', after: 'at-once' }],
    ['{ role: sre, after: 90s }', { role: 'sre', review: '24h', after: '90s' }],
  ])('accepts %s', (yaml, parsed) => {
    const { config: ok, errors } = checkConfigText(config(yaml));
    expect(errors).toEqual([]);
    expect(ok?.environments.prod?.approval?.emergency).toEqual(parsed);
  });

  it.each([
    ['{ role: oncall }', 'environments.prod.approval.emergency.role', /unknown role "oncall"/],
    ['{ role: sre, after: soon }', 'environments.prod.approval.emergency.after', /expected a duration/],
    ['{ role: sre, review: tomorrow }', 'environments.prod.approval.emergency.review', /duration/],
    ['{ after: 10m }', 'environments.prod.approval.emergency.role', /./],
  ])('refuses %s at %s', (yaml, path, message) => {
    const { errors } = checkConfigText(config(yaml));
    expect(errors.map((e) => e.path)).toEqual([path]);
    expect(errors[0]?.message).toMatch(message);
  });
});
