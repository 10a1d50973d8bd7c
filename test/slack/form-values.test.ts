import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/core/tokenize.ts';
import { blockFor, commandText } from '../../src/slack/surfaces/form-values.ts';
import { runbookQuery } from '../../src/slack/surfaces/runbook-query.ts';

const text = (value: string | null) => ({ x: { type: 'plain_text_input', value } });
const select = (value: string) => ({ x: { type: 'static_select', selected_option: { value } } });
const boxes = (...values: string[]) => ({
  x: { type: 'checkboxes', selected_options: values.map((value) => ({ value })) },
});

describe('commandText', () => {
  it.each([
    ['deploy', { service: select('api'), env: select('prod'), ref: select('v1.2.0') }, 'api prod v1.2.0'],
    [
      'deploy',
      { service: select('api'), env: select('prod'), ref: text(null), options: boxes('dry-run') },
      'api prod --dry-run',
    ],
    ['scale', { service: select('api'), env: select('staging'), replicas: text('5') }, 'api staging 5'],
    ['rollback', { service: select('web'), env: select('staging'), to: text('3') }, 'web staging --to 3'],
    [
      'logs',
      { service: select('api'), env: select('prod'), since: text('1h'), grep: text('a b'), follow: boxes('follow') },
      'api prod --since 1h --grep "a b" --follow',
    ],
  ] as const)('%s form → %s', (family, values, line) => {
    expect(commandText(family, values as never)).toBe(line);
  });

  it.each([
    'plain words',
    'with "double" quotes',
    `both "double" and 'single'`,
    '--force --emergency now',
    'line\nbreaks\tand tabs',
  ])('keeps the reason %j one word, never a flag', (reason) => {
    const line = commandText('deploy', { service: select('api'), env: select('prod'), reason: text(reason) } as never);
    const tokens = tokenize(line);
    const at = tokens.findIndex((t) => t.text === '--reason');
    expect(tokens).toHaveLength(at + 2);
    expect(tokens[at + 1]).toEqual({ text: reason.replace(/\s+/g, ' '), quoted: true });
  });
});

describe('blockFor', () => {
  it.each([
    ["You can't run /deploy here: needs role `sre`", 'env'],
    ['Unknown environment `prdo`. Did you mean `prod`?', 'env'],
    ['Invalid replicas: too big', 'replicas'],
    ['Unknown service `apu`', 'service'],
  ])('%s → %s', (problem, block) => {
    expect(blockFor(problem.includes('replicas') ? 'scale' : 'deploy', problem)).toBe(block);
  });
});

describe('runbookQuery', () => {
  it.each([
    ['<!here> api 5xx on <https://grafana.example/d/1|dashboard> "now" --force', 'here api 5xx on now force'],
    ['<@U0ALICE|alice> disk full disk full', 'U0ALICE disk full'],
    ['', ''],
  ])('%j → %j', (message, query) => {
    expect(runbookQuery(message)).toBe(query);
  });

  it('stays within the runbook query limit', () => {
    expect(runbookQuery(Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ')).length).toBeLessThanOrEqual(200);
  });
});
