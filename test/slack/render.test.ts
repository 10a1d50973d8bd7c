import { describe, expect, it } from 'vitest';
import type { Block, Button, Message } from '../../src/core/message.ts';
import { group, link, mention, t } from '../../src/core/text.ts';
import { chunk, renderMessage, type SlackBlock } from '../../src/slack/render.ts';

const blocksOf = (...blocks: Block[]) => renderMessage({ text: 'fallback', blocks }).blocks;
const sectionTexts = (blocks: SlackBlock[]) => blocks.map((b) => (b.text as { text: string }).text);
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });

/** `count` numbered lines of `width` characters each (including the number). */
const lines = (count: number, width: number) =>
  Array.from({ length: count }, (_, i) => String(i).padEnd(width, '.')).join('\n');

describe('renderMessage: each block type', () => {
  it.each<[string, Block, SlackBlock[]]>([
    ['header', { type: 'header', text: 'Deploy api to prod' }, [{ type: 'header', text: plain('Deploy api to prod') }]],
    ['text', { type: 'text', text: '*api* → `prod`' }, [{ type: 'section', text: mrkdwn('*api* → `prod`') }]],
    ['empty text becomes a space', { type: 'text', text: '' }, [{ type: 'section', text: mrkdwn(' ') }]],
    [
      'fields',
      { type: 'fields', fields: ['*Ref*\nv1.4.2', '*Sha*\nabc1234'] },
      [{ type: 'section', fields: [mrkdwn('*Ref*\nv1.4.2'), mrkdwn('*Sha*\nabc1234')] }],
    ],
    ['no fields, no block', { type: 'fields', fields: [] }, []],
    [
      'context',
      { type: 'context', text: t`requested by ${mention('U0ALICE')}` },
      [{ type: 'context', elements: [mrkdwn('requested by <@U0ALICE>')] }],
    ],
    ['code', { type: 'code', text: 'GET /healthz 200' }, [{ type: 'section', text: mrkdwn('```GET /healthz 200```') }]],
    ['empty code becomes a space', { type: 'code', text: '' }, [{ type: 'section', text: mrkdwn('``` ```') }]],
    ['divider', { type: 'divider' }, [{ type: 'divider' }]],
    ['no buttons, no block', { type: 'actions', buttons: [] }, []],
  ])('%s', (_name, block, expected) => {
    expect(blocksOf(block)).toEqual(expected);
  });

  it('renders buttons with action id, value and style', () => {
    const buttons: Button[] = [
      { actionId: 'opsdeck.approve', label: 'Approve', value: 'req_1', style: 'primary' },
      { actionId: 'opsdeck.details', label: 'Details', value: 'req_1' },
    ];
    expect(blocksOf({ type: 'actions', buttons })).toEqual([
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: 'opsdeck.approve', text: plain('Approve'), value: 'req_1', style: 'primary' },
          { type: 'button', action_id: 'opsdeck.details', text: plain('Details'), value: 'req_1' },
        ],
      },
    ]);
  });

  it('renders a confirm dialog in Block Kit shape, clipped to its limits', () => {
    const [actions] = blocksOf({
      type: 'actions',
      buttons: [
        {
          actionId: 'opsdeck.reject',
          label: 'Reject',
          value: 'req_1',
          style: 'danger',
          confirm: { title: 'T'.repeat(120), text: 'x'.repeat(400), confirm: 'C'.repeat(40), deny: 'Keep it' },
        },
      ],
    });
    const button = (actions!.elements as SlackBlock[])[0]!;
    expect(button.style).toBe('danger');
    expect(button.confirm).toEqual({
      title: plain(`${'T'.repeat(99)}…`),
      text: mrkdwn(`${'x'.repeat(299)}…`),
      confirm: plain(`${'C'.repeat(29)}…`),
      deny: plain('Keep it'),
    });
  });

  it.each<[string, number, string]>([
    ['a label of 75 is kept', 75, 'L'.repeat(75)],
    ['a label of 76 is clipped to 75', 76, `${'L'.repeat(74)}…`],
    ['a long label is clipped to 75', 500, `${'L'.repeat(74)}…`],
  ])('%s', (_name, length, label) => {
    const [actions] = blocksOf({
      type: 'actions',
      buttons: [{ actionId: 'opsdeck.x', label: 'L'.repeat(length), value: 'v' }],
    });
    const text = ((actions!.elements as SlackBlock[])[0]!.text as { text: string }).text;
    expect(text).toBe(label);
    expect(text.length).toBeLessThanOrEqual(75);
  });

  it('keeps at most 25 buttons in an actions block', () => {
    const buttons = Array.from({ length: 30 }, (_, i) => ({
      actionId: `opsdeck.step.${i}`,
      label: `Step ${i}`,
      value: `s${i}`,
    }));
    const [actions] = blocksOf({ type: 'actions', buttons });
    const elements = actions!.elements as SlackBlock[];
    expect(elements).toHaveLength(25);
    expect(elements.at(-1)!.action_id).toBe('opsdeck.step.24');
  });

  it.each<[string, number, string]>([
    ['a header of 150 is kept', 150, 'H'.repeat(150)],
    ['a header of 151 is clipped to 150', 151, `${'H'.repeat(149)}…`],
  ])('%s', (_name, length, text) => {
    expect(blocksOf({ type: 'header', text: 'H'.repeat(length) })).toEqual([{ type: 'header', text: plain(text) }]);
  });

  it.each<[string, Block, string]>([
    ['header', { type: 'header', text: `${'H'.repeat(148)}\u{1F680}xyz` }, `${'H'.repeat(148)}…`],
    [
      'header ending in a whole emoji',
      { type: 'header', text: `${'H'.repeat(147)}\u{1F680}xyz` },
      `${'H'.repeat(147)}\u{1F680}…`,
    ],
    [
      'button label',
      { type: 'actions', buttons: [{ actionId: 'opsdeck.x', label: `${'L'.repeat(73)}\u{1F680}xyz`, value: 'v' }] },
      `${'L'.repeat(73)}…`,
    ],
  ])('clipping never splits an emoji in half: %s', (_name, block, expected) => {
    const [rendered] = blocksOf(block);
    const text =
      rendered!.type === 'actions'
        ? ((rendered!.elements as SlackBlock[])[0]!.text as { text: string }).text
        : (rendered!.text as { text: string }).text;
    expect(text).toBe(expected);
  });

  it('keeps at most 10 fields of at most 2000 characters', () => {
    const [section] = blocksOf({
      type: 'fields',
      fields: ['f'.repeat(2500), ...Array.from({ length: 11 }, (_, i) => `field ${i}`)],
    });
    const fields = section!.fields as { text: string }[];
    expect(fields).toHaveLength(10);
    expect(fields[0]!.text).toBe(`${'f'.repeat(1999)}…`);
    expect(fields[9]!.text).toBe('field 8');
  });

  it('clips context text to 2000', () => {
    const [context] = blocksOf({ type: 'context', text: 'c'.repeat(2500) });
    expect((context!.elements as { text: string }[])[0]!.text).toBe(`${'c'.repeat(1999)}…`);
  });

  it('a message without blocks renders its text as a section', () => {
    expect(renderMessage({ text: 'Deployed *api* to prod' })).toEqual({
      text: 'Deployed *api* to prod',
      blocks: [{ type: 'section', text: mrkdwn('Deployed *api* to prod') }],
    });
  });
});

describe('renderMessage: long content', () => {
  it('splits long text into sections of at most 3000 characters at line breaks', () => {
    const text = lines(200, 39); // 200 lines of 39 + 199 newlines = 7999 characters
    const blocks = blocksOf({ type: 'text', text });
    const texts = sectionTexts(blocks);
    expect(blocks.every((b) => b.type === 'section')).toBe(true);
    expect(texts.length).toBe(3);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
    // Every section holds whole lines, and nothing is lost or duplicated.
    for (const t of texts) for (const line of t.split('\n')) expect(line).toHaveLength(39);
    expect(texts.join('\n')).toBe(text);
  });

  it('cuts a single line longer than a section hard at 3000', () => {
    const texts = sectionTexts(blocksOf({ type: 'text', text: 'z'.repeat(7000) }));
    expect(texts.map((t) => t.length)).toEqual([3000, 3000, 1000]);
  });

  it('splits long code into fenced sections of at most 3000 characters', () => {
    const code = lines(150, 79);
    const texts = sectionTexts(blocksOf({ type: 'code', text: code }));
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) {
      expect(t.length).toBeLessThanOrEqual(3000);
      expect(t.startsWith('```') && t.endsWith('```')).toBe(true);
    }
    expect(texts.map((t) => t.slice(3, -3)).join('\n')).toBe(code);
  });

  it('escapes triple backticks inside code so the fence is not closed early', () => {
    const [section] = blocksOf({ type: 'code', text: 'before ``` after ```\n```' });
    const text = (section!.text as { text: string }).text;
    expect(text).toBe("```before ''' after '''\n'''```");
    expect(text.slice(3, -3)).not.toContain('```');
  });

  it('truncates to 50 blocks with a note saying how many were left out', () => {
    const blocks: Block[] = Array.from({ length: 60 }, (_, i) => ({ type: 'text', text: `line ${i}` }));
    const rendered = renderMessage({ text: 'many', blocks }).blocks;
    expect(rendered).toHaveLength(50);
    expect(rendered[48]).toEqual({ type: 'section', text: mrkdwn('line 48') });
    expect(rendered[49]).toEqual({ type: 'context', elements: [mrkdwn('…11 more blocks not shown.')] });
  });

  it('counts blocks after splitting long text', () => {
    // 30 texts of 5999 characters, 2 sections each: 60 blocks.
    const blocks: Block[] = Array.from({ length: 30 }, (_, i) => ({
      type: 'text',
      text: `${i}${lines(100, 59).slice(String(i).length)}`,
    }));
    const rendered = renderMessage({ text: 'many', blocks }).blocks;
    expect(rendered).toHaveLength(50);
    expect(sectionTexts(rendered.slice(0, 49)).every((t) => t.length <= 3000)).toBe(true);
    expect(sectionTexts([rendered[48]!])[0]!.startsWith('24')).toBe(true);
    expect(rendered[49]).toEqual({ type: 'context', elements: [mrkdwn('…11 more blocks not shown.')] });
  });

  it('keeps exactly 50 blocks without a note', () => {
    const blocks: Block[] = Array.from({ length: 50 }, () => ({ type: 'divider' }));
    const rendered = renderMessage({ text: 'x', blocks }).blocks;
    expect(rendered).toHaveLength(50);
    expect(rendered.every((b) => b.type === 'divider')).toBe(true);
  });

  it.each<[string, Message, string]>([
    ['short fallback text is kept', { text: 'Deployed api' }, 'Deployed api'],
    ['fallback text of 3000 is kept', { text: 'a'.repeat(3000), blocks: [] }, 'a'.repeat(3000)],
    ['long fallback text is clipped to 3000', { text: 'a'.repeat(5000), blocks: [] }, `${'a'.repeat(2999)}…`],
  ])('%s', (_name, message, text) => {
    expect(renderMessage(message).text).toBe(text);
  });
});

describe('chunk', () => {
  it.each<[string, string, number, string[]]>([
    ['short text', 'abc', 10, ['abc']],
    ['empty text', '', 10, ['']],
    ['exactly max', 'abcdefghij', 10, ['abcdefghij']],
    ['cut at the last line break', 'aaaa\nbbbb\ncccc', 10, ['aaaa\nbbbb', 'cccc']],
    ['a line break exactly at max', 'aaaaaaaaaa\nbb', 10, ['aaaaaaaaaa', 'bb']],
    ['a line break too early is ignored', 'a\nbbbbbbbbbbbb', 10, ['a\nbbbbbbbb', 'bbbb']],
    ['no line break: hard cut', 'abcdefghijklmnopqrstuvwxy', 10, ['abcdefghij', 'klmnopqrst', 'uvwxy']],
    ['a hard cut does not split an emoji', 'abcdefghi\u{1F680}jk', 10, ['abcdefghi', '\u{1F680}jk']],
    [
      'max 1 cannot keep an emoji whole but still ends',
      '\u{1F680}\u{1F680}',
      1,
      ['\ud83d', '\ude80', '\ud83d', '\ude80'],
    ],
  ])('%s', (_name, text, max, expected) => {
    expect(chunk(text, max)).toEqual(expected);
  });
});

describe('renderMessage: text from outside cannot become markup', () => {
  const texts = (blocks: SlackBlock[]) => JSON.stringify(blocks);

  it.each<[string, string, string]>([
    ['a broadcast', 'ERROR <!channel> down', 'ERROR &lt;!channel&gt; down'],
    ['a mention', 'ping <@U0BOB>', 'ping &lt;@U0BOB&gt;'],
    ['a disguised link', 'see <https://evil.example|docs>', 'see &lt;https://evil.example|docs&gt;'],
    ['an ampersand', 'a & b', 'a &amp; b'],
  ])('code blocks show %s as text', (_name, line, shown) => {
    const { blocks } = renderMessage({ text: 'logs', blocks: [{ type: 'code', text: line }] });
    expect(texts(blocks)).toContain(JSON.stringify(shown).slice(1, -1));
  });

  it.each(['<!channel>', '<!here>', '<!everyone>', '<!here|here>'])(
    'never broadcasts %s from any mrkdwn text',
    (broadcast) => {
      const { blocks } = renderMessage({
        text: 't',
        blocks: [
          { type: 'text', text: `x ${broadcast}` },
          { type: 'context', text: broadcast },
          { type: 'fields', fields: [broadcast] },
        ],
      });
      expect(texts(blocks)).not.toContain(broadcast);
    },
  );

  it('keeps mentions opsdeck writes itself', () => {
    const { blocks } = renderMessage({
      text: 't',
      blocks: [{ type: 'text', text: t`${mention('U0BOB')} approved, ${group('S0SRE')} please review` }],
    });
    expect(texts(blocks)).toContain('<@U0BOB> approved, <!subteam^S0SRE> please review');
  });

  it('splits long escaped code within the limit and never inside an entity', () => {
    const { blocks } = renderMessage({ text: 't', blocks: [{ type: 'code', text: '<'.repeat(5000) }] });
    const bodies = blocks.map((b) => ((b as { text: { text: string } }).text.text as string).slice(3, -3));
    for (const body of bodies) {
      expect(body.length).toBeLessThanOrEqual(3000);
      expect(body).toMatch(/^(&lt;)+$/);
    }
    expect(bodies.join('').length).toBe(5000 * 4);
  });
});

describe('renderMessage: markup never cut in two', () => {
  it.each<[string, string, number]>([
    ['an entity', `${'a'.repeat(2997)}&amp;`, 2997],
    ['a link', `${'a'.repeat(2990)}<https://x.example|y>`, 2990],
    ['nothing when the cut falls between them', `${'a'.repeat(3000)}&amp;`, 3000],
  ])('a hard cut moves back before %s', (_name, rendered, at) => {
    const pieces = chunk(rendered, 3000);
    expect(pieces).toEqual([rendered.slice(0, at), rendered.slice(at)]);
  });

  it('escaped plain text over a section long is split between entities', () => {
    const texts = sectionTexts(blocksOf({ type: 'text', text: `x${'<'.repeat(1000)}` }));
    expect(texts.length).toBe(2);
    for (const text of texts) expect(text).toMatch(/^x?(&lt;)+$/);
  });

  it('shows stored markup as written, but never as a broadcast', () => {
    const [section] = blocksOf({ type: 'text', text: [{ markup: '<@U0BOB> asked <!here>' }] });
    expect(section).toEqual({ type: 'section', text: mrkdwn('<@U0BOB> asked &lt;!here&gt;') });
  });
});

describe('renderMessage: a Markdown document', () => {
  const sections = (n: number) => Array.from({ length: n }, (_, i) => `## Part ${i}\n\ntext ${i}`).join('\n\n');
  const buttons: Block = { type: 'actions', buttons: [{ actionId: 'opsdeck.x', label: 'Run', value: 'v' }] };
  const doc = (text: string): Block => ({
    type: 'markdown',
    text,
    title: 'Disk full',
    continued: t`…continued in ${link('https://git.example/r.md', 'the source')}`,
  });

  it('is converted to sections, without a heading that repeats the title', () => {
    expect(blocksOf(doc('# Disk full\n\nFree **space** & retry.'))).toEqual([
      { type: 'section', text: mrkdwn('Free *space* &amp; retry.') },
    ]);
  });

  it('takes the room the other blocks leave, ending with where the rest is', () => {
    const rendered = blocksOf({ type: 'header', text: 'Disk full' }, doc(sections(80)), buttons);
    expect(rendered).toHaveLength(50);
    expect(rendered.at(-1)!.type).toBe('actions');
    expect(rendered.at(-2)).toEqual({
      type: 'context',
      elements: [mrkdwn('…continued in <https://git.example/r.md|the source>')],
    });
  });

  it('is shown whole when it fits', () => {
    const rendered = blocksOf(doc(sections(10)), buttons);
    expect(rendered).toHaveLength(11);
    expect(JSON.stringify(rendered)).not.toContain('continued');
  });
});
