import { describe, expect, it } from 'vitest';
import { configRedactor } from '../../src/compose/logs.ts';
import { parseConfig } from '../../src/config/load.ts';

const config = parseConfig(`
environments: { staging: {} }
services: { api: {} }
roles: { sre: { members: [U0BOB], allow: ["*"] } }
logs:
  redact:
    - { name: session, pattern: "session=[A-Za-z0-9]+" }
    - { name: card, pattern: "\\\\b\\\\d{4}-\\\\d{4}-\\\\d{4}-\\\\d{4}\\\\b", replace: "[CARD]" }
`);

describe('log redaction from config', () => {
  it.each([
    ['a configured pattern', 'GET /cart session=abc123XYZ 200', 'GET /cart [REDACTED] 200'],
    ['a configured pattern with its own replacement', 'paid with 4111-1111-1111-1111', 'paid with [CARD]'],
    ['a built-in pattern still applies', 'token=xoxb-1234567890-abcdef', 'token=[REDACTED]'],
    ['ordinary text is untouched', 'GET /v1/orders 200 12ms', 'GET /v1/orders 200 12ms'],
  ])('%s', (_label, input, output) => {
    expect(configRedactor(config).text(input)).toBe(output);
  });

  it('rejects an invalid pattern in config check', () => {
    expect(() =>
      parseConfig(`
environments: { staging: {} }
services: { api: {} }
roles: { sre: { members: [U0BOB], allow: ["*"] } }
logs: { redact: [{ name: bad, pattern: "([" }] }
`),
    ).toThrow(/logs.redact\[0\].pattern: not a valid regular expression/);
  });
});
