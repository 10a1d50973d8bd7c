import { BlockBuilder, MAX_BLOCKS, type MarkdownBlock } from './block-builder.ts';
import { inlineMrkdwn, inlinePlain } from './inline.ts';
import { isTableStart, tableEnd, tableText } from './table.ts';

const FENCE = /^(\s*)(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const RULE = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^\s*>\s?(.*)$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const COMMENT = /^\s*<!--/;
const BULLETS = ['•', '◦', '▪'];
// Em spaces: Slack keeps them at the start of a line, where it may trim ordinary spaces.
const INDENT = '\u2003\u2003';

const startsBlock = (lines: readonly string[], i: number): boolean => {
  const line = lines[i] ?? '';
  return [FENCE, HEADING, RULE, QUOTE, LIST_ITEM, COMMENT].some((re) => re.test(line)) || isTableStart(lines, i);
};

export interface MarkdownOptions {
  /** At most this many blocks (default MAX_BLOCKS), the last saying where the rest is when it is cut. */
  maxBlocks?: number | undefined;
  /** The last block of a cut document, in mrkdwn: where to read the rest. */
  continued?: string | undefined;
  /** A leading `# heading` with this text is left out: the message header already shows the title. */
  title?: string | undefined;
}

function dropTitleHeading(lines: string[], title: string | undefined): void {
  const first = lines.findIndex((l) => l.trim() !== '');
  const heading = HEADING.exec(lines[first] ?? '');
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  if (title !== undefined && heading?.[1] === '#' && same(inlinePlain(heading[2]!), title)) lines[first] = '';
}

/**
 * A document's markdown (a runbook) as Slack blocks: `#` → a header block, deeper headings → bold lines starting a
 * section, lists → bullets or numbers indented by nesting, code and tables → code blocks, quotes → `>`.
 * Sections stay under MAX_BLOCK_CHARS and the whole under `maxBlocks`, ending with where the rest is when cut.
 */
export function markdownToBlocks(markdown: string, options: MarkdownOptions = {}): MarkdownBlock[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  dropTitleHeading(lines, options.title);
  const out = new BlockBuilder();
  // Indents of the open list levels, so two- and four-space nesting both read as one level deeper.
  let listIndents: number[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const item = LIST_ITEM.exec(line);
    if (item && !RULE.test(line)) {
      const indent = item[1]!.replace(/\t/g, '    ').length;
      while (listIndents.length && indent < listIndents.at(-1)!) listIndents.pop();
      if (!listIndents.length || indent > listIndents.at(-1)!) listIndents.push(indent);
      i = listItem(lines, i, item, listIndents.length - 1, out);
      continue;
    }
    if (line.trim() === '') {
      out.blank();
      i++;
      continue;
    }
    if (!FENCE.test(line)) listIndents = [];
    i = block(lines, i, out);
  }
  return out.finish(options.maxBlocks ?? MAX_BLOCKS, options.continued ?? '… continued in the source');
}

/** Converts the block starting at line i (not a list item or blank line); returns the next line's index. */
function block(lines: readonly string[], i: number, out: BlockBuilder): number {
  const line = lines[i]!;
  const fence = FENCE.exec(line);
  if (fence) return fencedCode(lines, i, fence[1]!.length, fence[2]!, out);
  if (COMMENT.test(line)) {
    let end = i;
    while (end < lines.length && !lines[end]!.includes('-->')) end++;
    return end + 1;
  }
  const heading = HEADING.exec(line);
  if (heading) {
    const text = heading[2]!;
    if (heading[1]!.length === 1) out.add({ type: 'header', text: inlinePlain(text) });
    else out.heading(`*${inlineMrkdwn(text.replace(/\*\*|__/g, ''))}*`);
    return i + 1;
  }
  if (RULE.test(line)) {
    out.add({ type: 'divider' });
    return i + 1;
  }
  if (isTableStart(lines, i)) {
    const end = tableEnd(lines, i);
    out.code(tableText(lines.slice(i, end)));
    return end;
  }
  const quote = QUOTE.exec(line);
  if (quote) {
    // Slack quotes one level deep; nested `>` are flattened.
    out.line(`> ${inlineMrkdwn(quote[1]!.replace(/^(>\s?)+/, ''))}`);
    return i + 1;
  }
  let end = i + 1;
  while (end < lines.length && lines[end]!.trim() !== '' && !startsBlock(lines, end)) end++;
  out.line(inlineMrkdwn(joinLines(lines.slice(i, end))));
  return end;
}

/** Soft-wrapped lines join with a space; a trailing backslash or two spaces is a hard break. */
function joinLines(lines: readonly string[]): string {
  return lines.reduce((text, raw, n) => {
    const hard = n > 0 && /(\\| {2,})$/.test(lines[n - 1]!);
    const piece = raw.trim();
    return n === 0 ? piece : `${text.replace(/\\$/, '')}${hard ? '\n' : ' '}${piece}`;
  }, '');
}

function fencedCode(
  lines: readonly string[],
  start: number,
  indent: number,
  marker: string,
  out: BlockBuilder,
): number {
  const body: string[] = [];
  let i = start + 1;
  for (; i < lines.length; i++) {
    const close = FENCE.exec(lines[i]!);
    if (close && close[2]![0] === marker[0] && close[2]!.length >= marker.length && lines[i]!.trim() === close[2])
      break;
    body.push(lines[i]!.replace(new RegExp(`^ {0,${indent}}`), ''));
  }
  if (body.some((l) => l.trim() !== '')) out.code(body.join('\n'));
  return i + 1;
}

function listItem(
  lines: readonly string[],
  i: number,
  item: RegExpExecArray,
  level: number,
  out: BlockBuilder,
): number {
  const marker = item[2]!;
  const parts = [item[3]!];
  let end = i + 1;
  // Continuation lines: indented under the item, or lazily unindented, until a blank line or another block.
  while (end < lines.length && lines[end]!.trim() !== '' && !startsBlock(lines, end)) parts.push(lines[end++]!);
  const task = /^\[([ xX])\]\s+/.exec(parts[0]!);
  const ordered = /^\d/.test(marker);
  const bullet = task
    ? task[1] === ' '
      ? '☐'
      : '☑'
    : ordered
      ? marker.replace(')', '.')
      : BULLETS[level % BULLETS.length]!;
  if (task) parts[0] = parts[0]!.slice(task[0].length);
  const text = inlineMrkdwn(joinLines(parts)).replace(/\n/g, `\n${INDENT.repeat(level + 1)}`);
  out.line(`${INDENT.repeat(level)}${bullet} ${text}`);
  return end;
}
