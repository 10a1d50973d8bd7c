import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/core/redact.ts';
import { createLogger } from '../../src/observability/logger.ts';
import {
  CLEAN_LINES,
  redactionFaults,
  SECRET_SAMPLES,
  sampleText,
  type SecretSample,
} from '../helpers/secret-corpus.ts';

/** A real pino logger writing JSON lines into memory. */
function capture(redactor = createRedactor()) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  // pino writes synchronously to a plain stream, so every entry is in `lines` when the call returns.
  return { log: createLogger('debug', sink, redactor), lines };
}

/** Every string in a parsed entry, so `keep` texts are compared as logged, not JSON-escaped. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

function expectClean(sample: SecretSample, raw: string): void {
  expect(
    sample.secrets.filter((secret) => raw.includes(secret) || raw.includes(JSON.stringify(secret).slice(1, -1))),
  ).toEqual([]);
}

describe('pino logger: no secret of the corpus reaches the output', () => {
  it.each(SECRET_SAMPLES.map((s) => [s.name, s] as const))('%s', (_name, sample) => {
    const text = sampleText(sample);
    const { log, lines } = capture();
    log.warn(text);
    log.info({ detail: text, nested: { deeper: { list: [text] } } }, 'with fields');
    log.error({ err: Object.assign(new Error(text), { response: { body: text } }) }, 'backend failed');
    log.error(new Error(text));
    log.info('printf %s and %j', text, { arg: text });
    log.child({ component: 'logs', source: text }).info('from a child');
    expect(lines).toHaveLength(6);
    for (const raw of lines) expectClean(sample, raw);
    expect(redactionFaults(sample, strings(JSON.parse(lines[0]!)).join('\n')).lost).toEqual([]);
  });

  it('keeps ordinary text and the shape of errors', () => {
    const { log, lines } = capture();
    for (const line of CLEAN_LINES) log.info({ line }, line);
    log.error(new Error('database unavailable'), 'deploy failed');
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.slice(0, CLEAN_LINES.length).map((e) => [e.msg, e.line])).toEqual(CLEAN_LINES.map((l) => [l, l]));
    expect(entries.at(-1)).toMatchObject({
      msg: 'deploy failed',
      err: { type: 'Error', message: 'database unavailable' },
    });
  });

  it('uses the redactor it is given (the config adds its rules)', () => {
    const { log, lines } = capture(createRedactor([{ name: 'ticket', pattern: /\bINC-\d+/g, replace: 'INC-?' }]));
    log.info({ ref: 'INC-42' }, 'see INC-42');
    expect(JSON.parse(lines[0]!)).toMatchObject({ ref: 'INC-?', msg: 'see INC-?' });
  });

  it('still removes credential fields by name, and survives cycles and deep nesting', () => {
    const { log, lines } = capture();
    const cyclic: Record<string, unknown> = { password: 'plain' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { leaf: 'postgres://u:pw-in-deep@db/x' };
    for (let i = 0; i < 12; i++) deep = { deep };
    log.info({ cyclic, deep, headers: { authorization: 'opaque' } }, 'odd shapes');
    expect(lines[0]).not.toMatch(/plain|pw-in-deep|opaque/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ cyclic: { password: '[REDACTED]', self: '[Circular]' } });
  });
});
