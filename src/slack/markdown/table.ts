import { inlinePlain } from './inline.ts';

const SEPARATOR = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;

/** A pipe row followed by a `|---|:--:|` separator row starts a GFM table. */
export function isTableStart(lines: readonly string[], i: number): boolean {
  return (lines[i] ?? '').includes('|') && SEPARATOR.test(lines[i + 1] ?? '') && (lines[i + 1] ?? '').includes('-');
}

/** The index after the table's last row. */
export function tableEnd(lines: readonly string[], start: number): number {
  let i = start + 2;
  while (i < lines.length && (lines[i] ?? '').includes('|') && (lines[i] ?? '').trim() !== '') i++;
  return i;
}

function cells(row: string): string[] {
  const trimmed = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return trimmed.split(/(?<!\\)\|/).map((c) => inlinePlain(c.trim().replace(/\\\|/g, '|')));
}

type Align = 'left' | 'right' | 'center';

const width = (text: string): number => [...text].length;

function pad(text: string, size: number, align: Align): string {
  const gap = size - width(text);
  if (align === 'right') return ' '.repeat(gap) + text;
  if (align === 'center') return ' '.repeat(Math.floor(gap / 2)) + text + ' '.repeat(Math.ceil(gap / 2));
  return text + ' '.repeat(gap);
}

/**
 * Slack has no tables, so a table becomes monospaced text with aligned columns (plain, not escaped: the
 * caller escapes it with the rest of the code block). Alignment markers in the separator are honoured.
 */
export function tableText(rows: readonly string[]): string {
  const [head = '', separator = '', ...body] = rows;
  const aligns: Align[] = cells(separator).map((c) => {
    const raw = c.trim();
    if (raw.startsWith(':') && raw.endsWith(':')) return 'center';
    return raw.endsWith(':') ? 'right' : 'left';
  });
  const table = [cells(head), ...body.map(cells)];
  const columns = Math.max(...table.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(3, ...table.map((r) => width(r[c] ?? ''))));
  const line = (row: readonly string[]) =>
    widths
      .map((w, c) => pad(row[c] ?? '', w, aligns[c] ?? 'left'))
      .join('  ')
      .trimEnd();
  const [header = [], ...rest] = table;
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rest.map(line)].join('\n');
}
