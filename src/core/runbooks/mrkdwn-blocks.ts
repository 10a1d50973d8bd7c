import type { Block } from '../message.ts';
import { escapeMrkdwn } from './mrkdwn-inline.ts';

/** Below Slack's 3,000 per section, leaving room for the renderer's code fences. */
export const MAX_BLOCK_CHARS = 2800;
/** Below Slack's 50 per message, leaving room for the header the command puts above a runbook. */
export const MAX_BLOCKS = 45;

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
  readonly #blocks: Block[] = [];
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

  add(block: Block): void {
    this.#flush();
    this.#blocks.push(block);
  }

  /** Plain text shown monospaced; the renderer escapes it, because Slack reads markup even inside code. */
  code(text: string): void {
    this.#flush();
    for (const part of splitText(text, MAX_BLOCK_CHARS)) this.#blocks.push({ type: 'code', text: part });
  }

  /** The blocks, cut to MAX_BLOCKS with a last line pointing at the source when too long. */
  finish(sourceUrl?: string): Block[] {
    this.#flush();
    if (this.#blocks.length <= MAX_BLOCKS) return [...this.#blocks];
    const where = sourceUrl ? `<${escapeMrkdwn(sourceUrl).replace(/\|/g, '%7C')}|the source>` : 'the source';
    return [...this.#blocks.slice(0, MAX_BLOCKS - 1), { type: 'context', text: `… continued in ${where}` }];
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
