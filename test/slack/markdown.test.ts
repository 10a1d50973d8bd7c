import { describe, expect, it } from 'vitest';
import { MAX_BLOCK_CHARS, MAX_BLOCKS, type MarkdownBlock, splitText } from '../../src/slack/markdown/block-builder.ts';
import { inlineMrkdwn, inlinePlain } from '../../src/slack/markdown/inline.ts';
import { tableText } from '../../src/slack/markdown/table.ts';
import { markdownToBlocks } from '../../src/slack/markdown/to-blocks.ts';
import { escapeMrkdwn } from '../../src/slack/mrkdwn.ts';

const EM = '\u2003\u2003';

describe('inline markdown → mrkdwn', () => {
  it.each([
    ['**bold**', '*bold*'],
    ['__bold__', '*bold*'],
    ['*em* and _em_', '_em_ and _em_'],
    ['**bold** then *em*', '*bold* then _em_'],
    ['~~gone~~', '~gone~'],
    ['[runbook](https://git.example/r.md)', '<https://git.example/r.md|runbook>'],
    ['[**Grafana**](https://g.example/d?a=1&b=2)', '<https://g.example/d?a=1&amp;b=2|*Grafana*>'],
    ['[pipe](https://x.example/a|b)', '<https://x.example/a%7Cb|pipe>'],
    ['![graph](https://img.example/p.png)', '<https://img.example/p.png|graph>'],
    ['<https://status.example>', '<https://status.example>'],
    ['a & b < c > d', 'a &amp; b &lt; c &gt; d'],
    ['`kubectl get pods | grep <name>`', '`kubectl get pods | grep &lt;name&gt;`'],
    ['`**not bold**` **bold**', '`**not bold**` *bold*'],
    ['2 * 3 * 4', '2 * 3 * 4'],
    ['snake_case_name', 'snake_case_name'],
    ['``code with ` tick``', '`code with ` tick`'],
  ])('%s → %s', (markdown, want) => {
    expect(inlineMrkdwn(markdown)).toBe(want);
  });

  it.each([
    ['**API** `overview` [dash](https://x.example)', 'API overview dash'],
    ['*em* and _em_ ~~x~~', 'em and em x'],
    ['a & b', 'a & b'],
  ])('plain: %s → %s', (markdown, want) => {
    expect(inlinePlain(markdown)).toBe(want);
  });

  it('escapes exactly the three characters Slack reads as markup', () => {
    expect(escapeMrkdwn('<@U1> & <!here> "q" \'s\'')).toBe('&lt;@U1&gt; &amp; &lt;!here&gt; "q" \'s\'');
  });
});

describe('tables → aligned text', () => {
  it('pads columns, honours alignment and strips inline markup', () => {
    const rows = [
      '| Code | Meaning | Count |',
      '|:---|:---:|---:|',
      '| `502` | **bad gateway** | 3 |',
      '| 504 | [timeout](https://x.example) | 120 |',
    ];
    expect(tableText(rows)).toBe(
      [
        'Code    Meaning    Count',
        '----  -----------  -----',
        '502   bad gateway      3',
        '504     timeout      120',
      ].join('\n'),
    );
  });

  it('keeps escaped pipes and fills missing cells', () => {
    expect(tableText(['| a | b |', '|---|---|', '| x \\| y |'])).toBe(['a      b', '-----  ---', 'x | y'].join('\n'));
  });
});

describe('markdownToBlocks', () => {
  it.each<{ name: string; md: string; want: MarkdownBlock[] }>([
    {
      name: 'a top heading becomes a header block',
      md: '# High **5xx** rate',
      want: [{ type: 'header', text: 'High 5xx rate' }],
    },
    {
      name: 'a sub-heading starts a section with a bold line',
      md: '## First 5 minutes\n\nCheck it.',
      want: [{ type: 'text', text: '*First 5 minutes*\nCheck it.' }],
    },
    {
      name: 'paragraph lines join, blank lines separate',
      md: 'one\ntwo\n\nthree',
      want: [{ type: 'text', text: 'one two\n\nthree' }],
    },
    { name: 'hard breaks are kept', md: 'one  \ntwo\\\nthree', want: [{ type: 'text', text: 'one\ntwo\nthree' }] },
    {
      name: 'bullets nest by indentation',
      md: '- a\n  - b\n    - c\n- d\n* e\n+ f',
      want: [{ type: 'text', text: `• a\n${EM}◦ b\n${EM}${EM}▪ c\n• d\n• e\n• f` }],
    },
    {
      name: 'four-space nesting is one level too',
      md: '- a\n    - b',
      want: [{ type: 'text', text: `• a\n${EM}◦ b` }],
    },
    {
      name: 'ordered lists keep their numbers',
      md: '1. first\n2) second\n   - detail\n10. tenth',
      want: [{ type: 'text', text: `1. first\n2. second\n${EM}◦ detail\n10. tenth` }],
    },
    { name: 'task lists become boxes', md: '- [ ] open\n- [x] done', want: [{ type: 'text', text: '☐ open\n☑ done' }] },
    {
      name: 'list items continue on indented lines',
      md: '- a long\n  item',
      want: [{ type: 'text', text: '• a long item' }],
    },
    {
      name: 'quotes keep a literal >',
      md: '> **Note** a < b\n>> nested',
      want: [{ type: 'text', text: '> *Note* a &lt; b\n> nested' }],
    },
    {
      name: 'fenced code becomes a code block, escaped and dedented',
      md: 'Run:\n\n```bash\nkubectl get pods | grep -v Running\necho "<x>"\n```\nafter',
      want: [
        { type: 'text', text: 'Run:' },
        { type: 'code', text: 'kubectl get pods | grep -v Running\necho "<x>"' },
        { type: 'text', text: 'after' },
      ],
    },
    {
      name: 'code fenced inside a list item',
      md: '1. Check:\n   ```\n   openssl s_client\n   ```\n2. Next',
      want: [
        { type: 'text', text: '1. Check:' },
        { type: 'code', text: 'openssl s_client' },
        { type: 'text', text: '2. Next' },
      ],
    },
    { name: 'an unclosed fence runs to the end', md: '```\na\nb', want: [{ type: 'code', text: 'a\nb' }] },
    { name: 'an empty fence is dropped', md: '```\n```', want: [] },
    {
      name: 'rules become dividers',
      md: 'a\n\n---\n\nb',
      want: [{ type: 'text', text: 'a' }, { type: 'divider' }, { type: 'text', text: 'b' }],
    },
    { name: 'comments are dropped', md: 'a\n<!-- hidden\nstill hidden -->\nb', want: [{ type: 'text', text: 'a\nb' }] },
    {
      name: 'tables become code',
      md: 'Intro\n| a | b |\n|---|---|\n| `/ops status api` | 2 |\nAfter',
      want: [
        { type: 'text', text: 'Intro' },
        { type: 'code', text: 'a                b\n---------------  ---\n/ops status api  2' },
        { type: 'text', text: 'After' },
      ],
    },
    { name: 'Windows line ends', md: '## A\r\ntext\r\n', want: [{ type: 'text', text: '*A*\ntext' }] },
  ])('$name', ({ md, want }) => {
    expect(markdownToBlocks(md)).toEqual(want);
  });

  it.each([
    { md: '\n# High **5xx** rate\n\nText', title: 'High 5xx Rate', want: [{ type: 'text', text: 'Text' }] },
    {
      md: '# Another title\n\nText',
      title: 'High 5xx rate',
      want: [
        { type: 'header', text: 'Another title' },
        { type: 'text', text: 'Text' },
      ],
    },
    {
      md: 'Intro\n# High 5xx rate',
      title: 'High 5xx rate',
      want: [
        { type: 'text', text: 'Intro' },
        { type: 'header', text: 'High 5xx rate' },
      ],
    },
  ])('leaves out a leading heading that repeats the title: $md', ({ md, title, want }) => {
    expect(markdownToBlocks(md, { title })).toEqual(want);
  });

  it('keeps every section within MAX_BLOCK_CHARS, splitting at line breaks', () => {
    const line = 'x'.repeat(99);
    const blocks = markdownToBlocks(Array.from({ length: 100 }, () => `- ${line}`).join('\n'));
    expect(blocks.length).toBe(4);
    for (const b of blocks) {
      expect(b.type).toBe('text');
      if (b.type === 'text') {
        expect(b.text.length).toBeLessThanOrEqual(MAX_BLOCK_CHARS);
        expect(b.text.split('\n').every((l) => l === `• ${line}`)).toBe(true);
      }
    }
  });

  it('splits long code blocks and a single over-long line', () => {
    const blocks = markdownToBlocks(`\`\`\`\n${'y'.repeat(MAX_BLOCK_CHARS * 2 + 10)}\n\`\`\``);
    expect(blocks.map((b) => (b.type === 'code' ? b.text.length : -1))).toEqual([MAX_BLOCK_CHARS, MAX_BLOCK_CHARS, 10]);
  });

  it.each([
    {
      continued: '… continued in <https://git.example/r.md|the source>',
      tail: '… continued in <https://git.example/r.md|the source>',
    },
    { continued: undefined, tail: '… continued in the source' },
  ])('cuts a long runbook to MAX_BLOCKS with a pointer to the rest ($continued)', ({ continued, tail }) => {
    const md = Array.from({ length: 60 }, (_, i) => `## Section ${i}\n\ntext ${i}`).join('\n\n');
    const blocks = markdownToBlocks(md, { continued });
    expect(blocks).toHaveLength(MAX_BLOCKS);
    expect(blocks[MAX_BLOCKS - 2]).toEqual({
      type: 'text',
      text: `*Section ${MAX_BLOCKS - 2}*\ntext ${MAX_BLOCKS - 2}`,
    });
    expect(blocks.at(-1)).toEqual({ type: 'context', text: tail });
  });

  it('does not cut at exactly MAX_BLOCKS', () => {
    const md = Array.from({ length: MAX_BLOCKS }, (_, i) => `## S${i}`).join('\n');
    expect(markdownToBlocks(md).some((b) => b.type === 'context')).toBe(false);
  });
});

describe('splitText', () => {
  it('never splits an emoji in half', () => {
    const parts = splitText(`${'a'.repeat(9)}😀b`, 10);
    expect(parts).toEqual(['a'.repeat(9), '😀b']);
  });
});
