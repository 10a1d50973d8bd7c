/** Below Slack's 3,000 per section, leaving room for the renderer's code fences. */
export const MAX_BLOCK_CHARS = 2800;
/** Below Slack's 50 per message, leaving room for a header above the document: the default budget. */
export const MAX_BLOCKS = 45;

/** A document's blocks as Slack shows them: `text` and `context` in mrkdwn, `header` and `code` plain. */
export type MarkdownBlock =
  | { type: 'header'; text: string }
  | { type: 'text'; text: string }
  | { type: 'context'; text: string }
  | { type: 'code'; text: string }
  | { type: 'divider' };

/** Whole lines up to `max` characters each; a longer single line is cut (never inside a surrogate pair). */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (let line of text.split('\n')) {
    while (line.length > max) {
      if (current) out.push(current);
      current = '';
      const cut = /[\ud800-\udbff]/.test(line[max - 1] ?? '') ? max - 1 : max;
      out.push(line.slice(0, cut));
      line = line.slice(cut);
    }
    if (current && current.length + 1 + line.length > max) {
      out.push(current);
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(current);
  return out;
}

/** Collects converted lines into text sections, starting a new one at each heading. */
export class BlockBuilder {
  readonly #blocks: MarkdownBlock[] = [];
  #lines: string[] = [];
  #afterHeading = false;

  line(text: string): void {
    this.#lines.push(text);
    this.#afterHeading = false;
  }

  /** A paragraph gap: one empty line, none after a heading or at the start of a section. */
  blank(): void {
    const last = this.#lines.at(-1);
    if (last !== undefined && last !== '' && !this.#afterHeading) this.#lines.push('');
  }

  heading(text: string): void {
    this.#flush();
    this.#lines.push(text);
    this.#afterHeading = true;
  }

  add(block: MarkdownBlock): void {
    this.#flush();
    this.#blocks.push(block);
  }

  /** Plain text shown monospaced; the renderer escapes it, because Slack reads markup even inside code. */
  code(text: string): void {
    this.#flush();
    for (const part of splitText(text, MAX_BLOCK_CHARS)) this.#blocks.push({ type: 'code', text: part });
  }

  /** The blocks, cut to `maxBlocks` with a last line (`continued`, mrkdwn) saying where the rest is. */
  finish(maxBlocks: number, continued: string): MarkdownBlock[] {
    this.#flush();
    if (this.#blocks.length <= maxBlocks) return [...this.#blocks];
    return [...this.#blocks.slice(0, Math.max(0, maxBlocks - 1)), { type: 'context', text: continued }];
  }

  #flush(): void {
    while (this.#lines.at(-1) === '') this.#lines.pop();
    if (this.#lines.length) {
      for (const part of splitText(this.#lines.join('\n'), MAX_BLOCK_CHARS))
        this.#blocks.push({ type: 'text', text: part });
    }
    this.#lines = [];
    this.#afterHeading = false;
  }
}
