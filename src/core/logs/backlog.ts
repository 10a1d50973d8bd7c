/**
 * Lines waiting to be posted to Slack. Slack takes about one post per second per channel, so a
 * busy source can outrun it: then the oldest waiting lines are skipped in chat (and counted) and
 * the session attaches every line it saw as a file at the end. Nothing is dropped silently.
 */
export class Backlog {
  readonly #pending: string[] = [];
  #pendingChars = 0;
  readonly #all: string[] = [];
  #allChars = 0;
  skipped = 0;
  shown = 0;
  /** Lines that did not fit even the file (beyond its size cap). */
  lost = 0;
  readonly #maxPendingChars: number;
  readonly #maxFileChars: number;

  constructor(options: { maxPendingChars: number; maxFileChars: number }) {
    this.#maxPendingChars = options.maxPendingChars;
    this.#maxFileChars = options.maxFileChars;
  }

  push(line: string): void {
    if (this.#allChars + line.length + 1 <= this.#maxFileChars) {
      this.#all.push(line);
      this.#allChars += line.length + 1;
    } else {
      this.lost++;
    }
    this.#pending.push(line);
    this.#pendingChars += line.length + 1;
    while (this.#pendingChars > this.#maxPendingChars && this.#pending.length > 1) {
      this.#pendingChars -= this.#pending.shift()!.length + 1;
      this.skipped++;
    }
  }

  get waiting(): number {
    return this.#pending.length;
  }

  /** Takes the oldest waiting lines that fit in `maxChars`, for one post. */
  take(maxChars: number): string[] {
    const out: string[] = [];
    let size = 0;
    while (this.#pending.length && size + this.#pending[0]!.length + 1 <= maxChars) {
      const line = this.#pending.shift()!;
      size += line.length + 1;
      out.push(line);
    }
    if (!out.length && this.#pending.length) out.push(this.#pending.shift()!.slice(0, maxChars));
    this.#pendingChars -= out.reduce((n, l) => n + l.length + 1, 0);
    this.shown += out.length;
    return out;
  }

  /** Everything seen, for the closing file. */
  file(): string {
    return `${this.#all.join('\n')}\n`;
  }
}
