import { describe, expect, it } from 'vitest';
import { parseRunbook, parseRunbooks } from '../../src/core/runbooks/parse.ts';
import { isRunbookPath } from '../../src/core/runbooks/paths.ts';
import { ofFamilies } from '../../src/core/runbooks/steps.ts';

const FAMILIES = ofFamilies(['deploy', 'rollback', 'scale', 'logs', 'runbook', 'ops']);
import { runbookText } from './fixtures.ts';

const parse = (text: string, path = 'high-5xx.md') =>
  parseRunbook({ path, text, url: 'https://git.example/high-5xx.md' }, FAMILIES);
const messages = (text: string) => parse(text).problems.map((p) => `${p.line}: ${p.message}`);

describe('parseRunbook', () => {
  it('reads every front matter field, the body, and steps with file line numbers', () => {
    const text = runbookText(
      [
        'title: High 5xx rate',
        'services: [api, web]',
        'alerts:',
        '  - ApiHigh5xxRate',
        'tags: [errors, 502]',
        'severity: critical',
        'owner: "@sre-oncall"',
        'updated: 2026-11-02',
      ].join('\n'),
      '# High 5xx rate\n\n1. `/ops status api prod`\n',
    );
    const { runbook, problems } = parse(text);
    expect(problems).toEqual([]);
    expect(runbook).toEqual({
      id: 'high-5xx',
      path: 'high-5xx.md',
      title: 'High 5xx rate',
      services: ['api', 'web'],
      alerts: ['ApiHigh5xxRate'],
      tags: ['errors', '502'],
      severity: 'critical',
      owner: '@sre-oncall',
      updated: '2026-11-02',
      body: '# High 5xx rate\n\n1. `/ops status api prod`\n',
      url: 'https://git.example/high-5xx.md',
      steps: [{ line: 13, command: '/ops status api prod', family: 'ops', text: 'status api prod' }],
    });
  });

  it('defaults the lists, accepts a single string as a list, and keeps nested ids', () => {
    const { runbook } = parseRunbook(
      { path: 'db/connections.md', text: runbookText('title: DB\nservices: api') },
      ofFamilies([]),
    );
    expect(runbook).toMatchObject({
      id: 'db/connections',
      services: ['api'],
      alerts: [],
      tags: [],
      severity: undefined,
      url: undefined,
    });
  });

  it('tolerates Windows line ends and a byte order mark', () => {
    const { runbook, problems } = parse('\uFEFF---\r\ntitle: T\r\n---\r\nbody `/ops whoami`\r\n');
    expect(problems).toEqual([]);
    expect(runbook?.steps.map((s) => s.line)).toEqual([4]);
  });

  it.each([
    {
      name: 'no front matter',
      text: '# Just markdown\n',
      want: ['1: missing front matter: start the file with a `---` line, `title: …`, and another `---` line'],
    },
    {
      name: 'unclosed',
      text: '---\ntitle: T\n# body\n',
      want: ['1: front matter is not closed: add a `---` line after it'],
    },
    { name: 'missing title', text: runbookText('services: [api]'), want: ['1: front matter "title": is required'] },
    { name: 'empty title', text: runbookText('title: "  "'), want: ['2: front matter "title": must not be empty'] },
    {
      name: 'title not text',
      text: runbookText('title: [a, b]'),
      want: ['2: front matter "title": expected text, got a list'],
    },
    {
      name: 'bad severity',
      text: runbookText('title: T\nseverity: urgent'),
      want: ['3: front matter "severity": expected one of critical, high, medium, low, got "urgent"'],
    },
    {
      name: 'bad date',
      text: runbookText('title: T\nupdated: 2026-02-30'),
      want: ['3: front matter "updated": expected a date written YYYY-MM-DD'],
    },
    {
      name: 'date as number',
      text: runbookText('title: T\nupdated: 20261102'),
      want: ['3: front matter "updated": expected text, got 20261102'],
    },
    {
      name: 'services not a list',
      text: runbookText('title: T\nservices: {api: true}'),
      want: ['3: front matter "services": expected a list such as [api, web], got a mapping'],
    },
    {
      name: 'a bad list item, located on its line',
      text: runbookText('title: T\nalerts:\n  - A\n  - {name: B}'),
      want: ['5: front matter "alerts[1]": expected text, got a mapping'],
    },
    {
      name: 'unknown field with a guess',
      text: runbookText('title: T\nservcies: [api]'),
      want: ['3: front matter: unknown field "servcies" (did you mean "services"?)'],
    },
    {
      name: 'unknown field without a guess',
      text: runbookText('title: T\nrunbook_url: x'),
      want: [
        '3: front matter: unknown field "runbook_url" (known: title, services, alerts, tags, severity, owner, updated)',
      ],
    },
    {
      name: 'YAML syntax',
      text: runbookText('title: T\nservices: [api'),
      want: [expect.stringMatching(/^3: front matter: YAML: .*end with a \]/)],
    },
    {
      name: 'duplicate key',
      text: runbookText('title: T\ntitle: U'),
      want: [expect.stringMatching(/^3: front matter: YAML: .*unique/i)],
    },
    {
      name: 'not a mapping',
      text: runbookText('- a\n- b'),
      want: ['2: front matter must be `key: value` lines (a YAML mapping)'],
    },
    {
      name: 'several problems at once',
      text: runbookText('severity: low-ish\nowner: ""'),
      want: [
        '1: front matter "title": is required',
        '2: front matter "severity": expected one of critical, high, medium, low, got "low-ish"',
        '3: front matter "owner": must not be empty',
      ],
    },
  ])('reports $name with its line', ({ text, want }) => {
    expect(messages(text)).toEqual(want);
    expect(parse(text).runbook).toBeUndefined();
  });
});

describe('parseRunbooks', () => {
  it('keeps the valid runbooks and collects the problems of the others', () => {
    const { runbooks, problems } = parseRunbooks(
      [
        { path: 'a.md', text: runbookText('title: A') },
        { path: 'b.md', text: 'no front matter' },
      ],
      FAMILIES,
    );
    expect(runbooks.map((r) => r.id)).toEqual(['a']);
    expect(problems.map((p) => p.file)).toEqual(['b.md']);
  });
});

describe('isRunbookPath', () => {
  it.each([
    ['high-5xx.md', true],
    ['db/Connections.MD', true],
    ['README.md', false],
    ['db/readme.md', false],
    ['notes.txt', false],
    ['readme-first.md', true],
  ])('%s → %s', (path, want) => {
    expect(isRunbookPath(path)).toBe(want);
  });
});
