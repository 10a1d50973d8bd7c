// The separators of MiniSearch's tokenizer, /[\n\r\p{Z}\p{P}]+/u: a table for ASCII, the regex beyond.
const ASCII_SEPARATOR = new Uint8Array(128);
for (const c of '\n\r !"#%&\'()*,-./:;?@[\\]_{}') ASCII_SEPARATOR[c.charCodeAt(0)] = 1;
const SEPARATOR = /^[\p{Z}\p{P}]$/u;

/** How many UTF-16 units the separator at `at` takes: 0 when it is no separator, 2 for one beyond U+FFFF. */
function separatorWidth(text: string, at: number, code: number): number {
  if (code < 128) return ASCII_SEPARATOR[code]!;
  const point = text.codePointAt(at)!;
  return SEPARATOR.test(String.fromCodePoint(point)) ? (point > 0xffff ? 2 : 1) : 0;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

/**
 * Numbers the words of texts as they are split, without making a string of each: a word already known is
 * found by a hash of its characters computed while scanning, and compared in place. Indexing 10,000
 * runbooks meets millions of words but only thousands of distinct ones; a `split` and a `Map` lookup per
 * word made and hashed millions of short strings, twice the time of this scan. The words are the ones
 * `tokenize` (search-terms.ts) finds, empty ones included (test/runbooks/vocabulary.test.ts).
 */
export class Vocabulary {
  /** Each word as written, by number. */
  readonly words: string[] = [];
  /** The numbers of the words of the last scanned text, in order, in the first `scan()` entries. */
  ids = new Int32Array(1024);
  readonly #hashes: number[] = [];
  #slots = new Int32Array(1 << 12).fill(-1);

  /** The number of `word`, given now if it is new. */
  number(word: string): number {
    let hash = FNV_OFFSET;
    for (let at = 0; at < word.length; at++) hash = Math.imul(hash ^ word.charCodeAt(at), FNV_PRIME);
    return this.#number(word, 0, word.length, hash);
  }

  /** Splits `text` into words, numbering new ones, and returns how many words it has (see `ids`). */
  scan(text: string): number {
    let count = 0;
    let start = 0;
    let hash = FNV_OFFSET;
    const end = text.length;
    for (let at = 0; at < end; ) {
      const code = text.charCodeAt(at);
      let width = separatorWidth(text, at, code);
      if (!width) {
        hash = Math.imul(hash ^ code, FNV_PRIME);
        at += 1;
        continue;
      }
      count = this.#push(count, this.#number(text, start, at, hash));
      // A run of separators is one split.
      while (width) {
        at += width;
        width = at < end ? separatorWidth(text, at, text.charCodeAt(at)) : 0;
      }
      start = at;
      hash = FNV_OFFSET;
    }
    return this.#push(count, this.#number(text, start, end, hash));
  }

  #push(count: number, id: number): number {
    if (count === this.ids.length) {
      const bigger = new Int32Array(this.ids.length * 2);
      bigger.set(this.ids);
      this.ids = bigger;
    }
    this.ids[count] = id;
    return count + 1;
  }

  /** The number of the word `text[start, end)`, found by its hash (open addressing) or added. */
  #number(text: string, start: number, end: number, hash: number): number {
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    for (let id = this.#slots[slot]!; id >= 0; id = this.#slots[slot]!) {
      const word = this.words[id]!;
      if (this.#hashes[id] === hash && word.length === end - start && text.startsWith(word, start)) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.words.length;
    this.words.push(text.slice(start, end));
    this.#hashes.push(hash);
    this.#slots[slot] = id;
    if (this.words.length * 2 > this.#slots.length) this.#grow();
    return id;
  }

  #grow(): void {
    this.#slots = new Int32Array(this.#slots.length * 2).fill(-1);
    const mask = this.#slots.length - 1;
    this.#hashes.forEach((hash, id) => {
      let slot = hash & mask;
      while (this.#slots[slot]! >= 0) slot = (slot + 1) & mask;
      this.#slots[slot] = id;
    });
  }
}
