import { describe, expect, it } from 'vitest';
import { createRedactor, redact, redactDeep } from '../../src/core/redact.ts';
import {
  CLEAN_LINES,
  redactionFaults,
  SECRET_SAMPLES,
  sampleText,
  type SecretSample,
} from '../helpers/secret-corpus.ts';

const redactor = createRedactor();

function expectRedacted(sample: SecretSample, output: string): void {
  expect(redactionFaults(sample, output)).toEqual({ leaked: [], lost: [] });
}

describe('the secret corpus', () => {
  it.each(SECRET_SAMPLES.map((s) => [s.name, s] as const))('text(): %s', (_name, sample) => {
    expectRedacted(sample, redactor.text(sampleText(sample)));
  });

  it.each(SECRET_SAMPLES.map((s) => [s.name, s] as const))('stream(), one event at a time: %s', (_name, sample) => {
    const line = redactor.stream();
    const out = sample.events.map(line);
    expect(out).toHaveLength(sample.events.length);
    expectRedacted(sample, out.join('\n'));
  });

  it.each(SECRET_SAMPLES.map((s) => [s.name, s] as const))('deep(), inside nested values: %s', (_name, sample) => {
    const text = sampleText(sample);
    const out = redactor.deep({ reason: text, nested: { list: [text, 42, null], ok: true } });
    for (const value of [out.reason, out.nested.list[0]]) expectRedacted(sample, String(value));
    expect(out.nested.list.slice(1)).toEqual([42, null]);
    expect(out.nested.ok).toBe(true);
  });

  it.each(SECRET_SAMPLES.map((s) => [s.name, s] as const))(
    'redact() and redactDeep() use the same rules: %s',
    (_name, sample) => {
      const text = sampleText(sample);
      expect(redact(text)).toBe(redactor.text(text));
      expect(redactDeep([text])).toEqual([redactor.text(text)]);
    },
  );

  it.each(SECRET_SAMPLES.map((s) => [s.name, s] as const))(
    'redacting twice changes nothing more: %s',
    (_name, sample) => {
      const once = redactor.text(sampleText(sample));
      expect(redactor.text(once)).toBe(once);
    },
  );
});

describe('ordinary output comes through untouched', () => {
  it.each(CLEAN_LINES.map((l) => [l] as const))('%j', (line) => {
    expect(redactor.text(line)).toBe(line);
    expect(redactor.stream()(line)).toBe(line);
    expect(redactor.deep({ line })).toEqual({ line });
  });

  it('as one stream of events', () => {
    const line = redactor.stream();
    expect(CLEAN_LINES.map(line)).toEqual(CLEAN_LINES);
  });
});
