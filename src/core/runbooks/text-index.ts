import SearchableMap from 'minisearch/SearchableMap';
import { pack, type TextIndexState, unpack } from './text-index-state.ts';
import { Vocabulary } from './vocabulary.ts';

/** The index terms of one word as written (none for a stop word). */
export type Analyse = (word: string) => readonly string[];

/** A term's postings: a count per field, then `doc, frequency` pairs per field in doc order. */
type Postings = Int32Array;

/**
 * A full-text index made of one `Int32Array` of postings per term, with the terms in MiniSearch's radix
 * tree (`SearchableMap`) for its prefix and typo lookups. It holds what MiniSearch's index holds (term
 * frequency per field and document, the number of distinct words per field) in a tenth of the memory:
 * MiniSearch keeps a `Map` entry per posting, millions at 10,000 runbooks. Documents are numbered as
 * added; a removed one leaves a gap (see `removed`), and a term whose documents are all gone stays,
 * matching nothing, until the index is built again. See text-search.ts for the scoring.
 */
export class TextIndex {
  readonly fields: number;
  readonly #analyse: Analyse;
  /** Term to term id. */
  readonly terms: SearchableMap<number>;
  readonly postings: Postings[];
  /** Distinct words of each field of each document: `fieldLength[doc * fields + field]`. */
  readonly fieldLength: number[];
  readonly #lengthSum: number[];
  #live: number;
  /** 1 for each document number in use, 0 once removed. */
  readonly #alive: number[];
  /** The words as written, and the index terms of each: words repeat across documents. */
  readonly #words: Vocabulary;
  readonly #wordTerms: Array<readonly number[]>;
  // Scratch space of #count, indexed by word and term id, so counting a word costs no hashing.
  readonly #wordSeen: number[];
  readonly #termFrequency: number[];
  #stamp = 0;
  #pairs = new Int32Array(1024);
  /** Where #count writes its pairs in #pairs: 0, or the end of the stream while a builder runs. */
  #pairsAt = 0;

  /** Empty, or the index another thread built (see `state`); `analyse` must be the one it was built with. */
  constructor(fields: number, analyse: Analyse, state?: TextIndexState) {
    this.fields = fields;
    this.#analyse = analyse;
    this.terms = state ? SearchableMap.from(state.terms) : new SearchableMap<number>();
    this.postings = state ? unpack(state.slab, state.starts) : [];
    this.fieldLength = state?.fieldLength ?? [];
    this.#alive = state?.alive ?? [];
    // A removed document's lengths are zeros, so the sums over all of them are the live ones'.
    this.#lengthSum = Array.from({ length: fields }, () => 0);
    this.fieldLength.forEach((length, at) => {
      this.#lengthSum[at % fields]! += length;
    });
    this.#live = this.#alive.reduce((live, alive) => live + alive, 0);
    this.#words = new Vocabulary(state?.words);
    this.#wordTerms = state?.wordTerms ?? [];
    this.#wordSeen = Array.from({ length: this.#wordTerms.length }, () => 0);
    this.#termFrequency = Array.from({ length: this.postings.length }, () => 0);
  }

  /**
   * The index as plain data (strings, numbers, typed arrays) for `new TextIndex(fields, analyse, state)` on
   * another thread. The arrays are this index's own, so the state is for `postMessage` (which copies or
   * transfers them), not for a second index on the same thread.
   */
  state(): TextIndexState {
    return {
      terms: [...this.terms],
      ...pack(this.postings),
      fieldLength: this.fieldLength,
      alive: this.#alive,
      words: this.#words.words,
      wordTerms: this.#wordTerms,
    };
  }

  /** An index of `docs` (each its field texts), numbered in order, built in one pass. */
  static build(fields: number, analyse: Analyse, docs: readonly (readonly string[])[]): TextIndex {
    const builder = TextIndex.builder(fields, analyse, docs.length);
    for (const texts of docs) builder.add(texts);
    return builder.finish();
  }

  /**
   * Builds an index of about `expected` documents added one at a time (numbered in order), so a caller
   * can let other work run between them. Each document's (term and field, frequency) pairs go into one
   * stream as they are counted; `finish` lays out every term's postings in one slab at their final size
   * and fills them: no array grows posting by posting, and there are two allocations of tens of
   * megabytes rather than thousands of small ones.
   */
  static builder(
    fields: number,
    analyse: Analyse,
    expected: number,
  ): { add(texts: readonly string[]): void; finish(): TextIndex } {
    const index = new TextIndex(fields, analyse);
    let used = 0;
    const docEnd: number[] = [];
    const add = (texts: readonly string[]) => {
      // Each document's pairs are counted straight into the stream, after the previous document's.
      index.#pairsAt = used;
      used += 2 * index.#count(texts, docEnd.length);
      docEnd.push(used);
      // Sized to what the documents so far suggest all of them need, so it is copied once or twice.
      if (docEnd.length === 16) index.#pairs = room(index.#pairs, Math.ceil((used / 16) * expected * 1.1));
    };
    const finish = () => {
      const stream = index.#pairs;
      index.#pairs = new Int32Array(1024);
      index.#pairsAt = 0;
      const terms = index.postings.length;
      const counts = new Int32Array(terms * fields);
      for (let at = 0; at < used; at += 2) counts[stream[at]!]! += 1;
      const start = new Int32Array(terms + 1);
      const cursor = new Int32Array(terms * fields);
      for (let term = 0; term < terms; term++) {
        let at = start[term]! + fields;
        for (let field = 0; field < fields; field++) {
          cursor[term * fields + field] = at;
          at += 2 * counts[term * fields + field]!;
        }
        start[term + 1] = at;
      }
      const slab = new Int32Array(start[terms]!);
      for (let term = 0; term < terms; term++) {
        slab.set(counts.subarray(term * fields, (term + 1) * fields), start[term]!);
        index.postings[term] = slab.subarray(start[term]!, start[term + 1]!);
      }
      for (let at = 0, doc = 0; at < used; at += 2) {
        while (at >= docEnd[doc]!) doc += 1;
        const slot = stream[at]!;
        slab[cursor[slot]!] = doc;
        slab[cursor[slot]! + 1] = stream[at + 1]!;
        cursor[slot]! += 2;
      }
      return index;
    };
    return { add, finish };
  }

  /** Documents in the index (removed ones not counted). */
  get size(): number {
    return this.#live;
  }

  /** Average distinct words per document in `field`. */
  averageLength(field: number): number {
    return this.#live ? this.#lengthSum[field]! / this.#live : 0;
  }

  /** Document numbers given so far, removed ones included: the next one added gets this number. */
  get numbered(): number {
    return this.#alive.length;
  }

  /** Numbers given to documents since removed: kept as gaps until the index is built again. */
  get removed(): number {
    return this.numbered - this.#live;
  }

  /**
   * Removes documents (each with the field texts it was added with) and adds others under the next
   * numbers, which it returns. Each term they touch gets its postings written anew once, however many
   * of the documents have it: one at a time, a common word's postings would be copied for each.
   */
  update(
    removals: ReadonlyArray<{ doc: number; texts: readonly string[] }>,
    additions: readonly (readonly string[])[],
  ): number[] {
    const touched = new Set<number>();
    const gone = new Uint8Array(this.numbered + additions.length);
    for (const { doc, texts } of removals) {
      if (!this.#alive[doc]) continue;
      this.#alive[doc] = 0;
      gone[doc] = 1;
      const posted = this.#count(texts, -1);
      for (let at = 0; at < 2 * posted; at += 2) touched.add(Math.floor(this.#pairs[at]! / this.fields));
      for (let field = 0; field < this.fields; field++) {
        this.#lengthSum[field]! -= this.fieldLength[doc * this.fields + field]!;
        this.fieldLength[doc * this.fields + field] = 0;
      }
      this.#live -= 1;
    }
    // Per term and field, the new documents' (doc, frequency) pairs in document order.
    const added = new Map<number, number[][]>();
    const docs = additions.map((texts) => {
      const doc = this.numbered;
      const posted = this.#count(texts, doc);
      for (let at = 0; at < 2 * posted; at += 2) {
        const term = Math.floor(this.#pairs[at]! / this.fields);
        touched.add(term);
        const byField = added.get(term) ?? Array.from({ length: this.fields }, () => []);
        added.set(term, byField);
        byField[this.#pairs[at]! % this.fields]!.push(doc, this.#pairs[at + 1]!);
      }
      return doc;
    });
    for (const term of touched) this.postings[term] = this.#rewrite(this.postings[term]!, gone, added.get(term));
    return docs;
  }

  /** `postings` without the documents marked `gone`, with `added[field]` (doc, frequency) after each field's. */
  #rewrite(postings: Postings, gone: Uint8Array, added: readonly (readonly number[])[] | undefined): Postings {
    const pairs: number[] = [];
    const counts: number[] = [];
    let at = this.fields;
    for (let field = 0; field < this.fields; field++) {
      const before = pairs.length;
      for (const end = at + 2 * postings[field]!; at < end; at += 2) {
        if (!gone[postings[at]!]) pairs.push(postings[at]!, postings[at + 1]!);
      }
      for (const value of added?.[field] ?? []) pairs.push(value);
      counts.push((pairs.length - before) / 2);
    }
    const next = new Int32Array(this.fields + pairs.length);
    next.set(counts);
    next.set(pairs, this.fields);
    return next;
  }

  /**
   * Counts the terms of each field of one document into `#pairs` from `#pairsAt`: (term × fields + field,
   * frequency) for each term and field, in field order; returns how many. A field's length is its number
   * of distinct words as written, stop words included, as in MiniSearch. `doc` -1 only counts (for a
   * removal): lengths and the document count are left alone.
   */
  #count(texts: readonly string[], doc: number): number {
    // The hottest loop of a build (every word of every runbook): indexed loops, no closures per word.
    const seen = this.#wordSeen;
    const frequency = this.#termFrequency;
    const touched: number[] = [];
    let posted = 0;
    for (let field = 0; field < texts.length; field++) {
      const stamp = ++this.#stamp;
      let distinct = 0;
      const words = this.#words.scan(texts[field]!);
      const ids = this.#words.ids;
      for (let w = 0; w < words; w++) {
        const word = ids[w]!;
        if (word === this.#wordTerms.length) this.#analyseNew(word);
        if (seen[word] !== stamp) {
          seen[word] = stamp;
          distinct += 1;
        }
        const terms = this.#wordTerms[word]!;
        for (let t = 0; t < terms.length; t++) {
          const term = terms[t]!;
          if (frequency[term] === 0) touched.push(term);
          frequency[term]! += 1;
        }
      }
      const base = this.#pairsAt;
      this.#pairs = room(this.#pairs, base + 2 * (posted + touched.length));
      for (let t = 0; t < touched.length; t++) {
        const term = touched[t]!;
        this.#pairs[base + 2 * posted] = term * this.fields + field;
        this.#pairs[base + 2 * posted + 1] = frequency[term]!;
        posted += 1;
        frequency[term] = 0;
      }
      touched.length = 0;
      if (doc < 0) continue;
      this.fieldLength[doc * this.fields + field] = distinct;
      this.#lengthSum[field]! += distinct;
    }
    if (doc >= 0) {
      this.#live += 1;
      this.#alive[doc] = 1;
    }
    return posted;
  }

  /** A word seen for the first time: its terms, each given an id if new. */
  #analyseNew(word: number): void {
    const terms = this.#analyse(this.#words.words[word]!).map((term) => {
      let id = this.terms.get(term);
      if (id === undefined) {
        id = this.postings.length;
        this.postings.push(new Int32Array(this.fields));
        this.#termFrequency.push(0);
        this.terms.set(term, id);
      }
      return id;
    });
    this.#wordTerms.push(terms);
    this.#wordSeen.push(0);
  }
}

/** `array`, or a copy twice as long (or longer) when it holds fewer than `size` entries. */
function room(array: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  if (size <= array.length) return array;
  const bigger = new Int32Array(Math.max(array.length * 2, size));
  bigger.set(array);
  return bigger;
}
