import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { splitFrontMatter } from '../../src/core/runbooks/front-matter.ts';
import { isCalendarDate } from '../../src/core/runbooks/front-matter-schema.ts';

const file = (yaml: string) => `---\n${yaml}\n---\n# Body\n`;

describe('splitFrontMatter', () => {
  // The fast reader must read what `yaml` reads: YAML 1.2 core, so dates, yes/no and 0o10 stay strings.
  it.each([
    'title: Disk full\nservices: [api, worker]\nalerts: [DiskPressure]',
    'title: "Quoted: with \\"escapes\\" \\u00e9"\nowner: \'@sre\'',
    'title: Multi\nservices:\n  - api\n  - worker # a comment\ntags: []',
    'title: >\n  Folded\n  title\nupdated: 2026-11-10',
    'title: yes\nseverity: no\ntags: [0o10, 1_000, 0b11, .inf, ~, null, true]',
    'title: Anchors\nservices: &s [api]\nalerts: *s',
    'title: Keys\n"quoted key": 1\n? explicit\n: value',
  ])('reads %j as yaml does', (yaml) => {
    const split = splitFrontMatter(file(yaml));
    expect(split.ok && split.value.data).toEqual(parse(yaml));
  });

  it.each([
    { yaml: 'title: One\ntitle: Two', line: 3, message: /Map keys must be unique/ },
    { yaml: 'title: [unclosed', line: 2, message: /YAML/ },
    { yaml: 'title: ok\n  bad: indent', line: 2, message: /YAML/ },
    { yaml: '- a list', line: 2, message: /a YAML mapping/ },
    {
      yaml:
        `title: Laughs\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${Array(10).fill('*a').join(', ')}]\n` +
        `c: [${Array(200).fill('*b').join(', ')}]`,
      line: 2,
      message: /alias/i,
    },
  ])('reports $yaml on file line $line', ({ yaml, line, message }) => {
    const split = splitFrontMatter(file(yaml));
    expect(split.ok).toBe(false);
    if (split.ok) return;
    expect(split.line).toBe(line);
    expect(split.message).toMatch(message);
  });

  it('finds the line of a field only when asked, from the same text', () => {
    const split = splitFrontMatter(file('title: T\nservices:\n  - api\n  - worker'));
    expect(split.ok && [split.value.lineOf(['title']), split.value.lineOf(['services', 1])]).toEqual([2, 5]);
  });
});

describe('isCalendarDate', () => {
  it.each([
    ['2026-11-30', true],
    ['2024-02-29', true],
    ['2000-02-29', true],
    ['2026-02-29', false],
    ['1900-02-29', false],
    ['2026-04-31', false],
    ['2026-12-31', true],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['2026-1-10', false],
    ['2026-01-10T00:00:00Z', false],
    ['20261110', false],
  ])('%s: %s', (text, real) => {
    expect(isCalendarDate(text)).toBe(real);
  });
});
