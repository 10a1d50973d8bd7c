import SearchableMap from 'minisearch/SearchableMap';
import { type Counted, layOutPostings, type SlottedPart } from './postings-layout.ts';
import type { TextIndexPart } from './text-index-part.ts';
import { Vocabulary } from './vocabulary.ts';

/** The index terms of one word as written (none for a stop word). */
export type Analyse = (word: string) => readonly string[];

/** A term's postings: a count per field, then `doc, frequency` pairs per field in doc order. */
type Postings = Int32Array;

/** Documents added one at a time (see `TextIndex.builder`). */
export interface TextIndexBuilding {
  /**
   * Adds a document as number `doc` of the whole index, by default the number of documents added here (so
   * give every number or none). Each builder's numbers ascend; all builders' together run from 0 with none
   * left out, or `finish` names the first one missing.
   */
  add(texts: readonly string[], doc?: number): void;
  /** What was added, as plain data, for the builder that finishes the index (on another thread). */
  part(): TextIndexPart;
  /**
   * The index of the documents added here and those of `others` (parts of builders elsewhere), which
   * together are numbered from 0 with none left out.
   */
  finish(others?: readonly TextIndexPart[]): TextIndex;
}

/**
 * A full-text index made of one `Int32Array` of postings per term, with the terms in MiniSearch's radix
 * tree (`SearchableMap`) for its prefix and typo lookups. It holds what MiniSearch's index holds (term
 * frequency per field and document, the number of distinct words per field) in a tenth of the memory:
 * MiniSearch keeps a `Map` entry per posting, millions at 10,000 runbooks. Documents are numbered from 0
 * by their builders, then as added; a removed one leaves a gap (see `removed`), and a term whose documents
 * are all gone stays, matching nothing, until the index is built again. See text-search.ts for the scoring.
 */
export class TextIndex {
  readonly fields: number;
  readonly #analyse: Analyse;
  /**
   * Term to term id while the index is built: a build looks up each new word's terms, and a `Map` does
   * that several times faster than the radix tree, which `finish` makes from it (`terms`). A builder on
   * another thread never makes one.
   */
  #termIds: Map<string, number> | undefined;
  #tree: SearchableMap<number> | undefined;
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
  readonly #wordCount: number[];
  readonly #termFrequency: number[];
  // Written up to a count and never emptied: `length = 0` would drop their storage, and growing it again
  // for every field of every runbook made most of a build's garbage (200 MB at 10,000 runbooks).
  readonly #distinctWords: number[] = [];
  readonly #touched: number[] = [];
  #pairs = new Int32Array(1024);
  /** Where #count writes its pairs in #pairs: 0, or the end of the stream while a builder runs. */
  #pairsAt = 0;

  /** Empty; documents come through `builder` (or `build`), then `update`. */
  constructor(fields: number, analyse: Analyse) {
    this.fields = fields;
    this.#analyse = analyse;
    this.#termIds = new Map();
    this.postings = [];
    this.fieldLength = [];
    this.#alive = [];
    this.#lengthSum = Array.from({ length: fields }, () => 0);
    this.#live = 0;
    this.#words = new Vocabulary();
    this.#wordTerms = [];
    this.#wordCount = [];
    this.#termFrequency = [];
  }

  /** An index of `docs` (each its field texts), numbered in order, built in one pass. */
  static build(fields: number, analyse: Analyse, docs: readonly (readonly string[])[]): TextIndex {
    const builder = TextIndex.builder(fields, analyse, docs.length);
    for (const texts of docs) builder.add(texts);
    return builder.finish();
  }

  /**
   * Builds an index of about `expected` documents added one at a time, so a caller can let other work run
   * between them, or share them with builders on other threads. Each document's (term and field, frequency)
   * pairs go into one stream as they are counted; `finish` lays out every term's postings in one slab at
   * their final size and fills them: no array grows posting by posting, and there are two allocations of
   * tens of megabytes rather than thousands of small ones.
   */
  static builder(fields: number, analyse: Analyse, expected: number): TextIndexBuilding {
    const index = new TextIndex(fields, analyse);
    let used = 0;
    const docs: number[] = [];
    const ends: number[] = [];
    // Pairs per slot (term × fields + field), so laying out the postings needs no pass to count them.
    let counts = new Int32Array(1024);
    const add = (texts: readonly string[], doc = docs.length) => {
      // Each document's pairs are counted straight into the stream, after the previous document's; its
      // lengths go to its place among the documents added here, `finish` puts them in the whole index's.
      const from = used;
      index.#pairsAt = used;
      used += 2 * index.#count(texts, docs.length);
      counts = room(counts, index.postings.length * fields);
      const pairs = index.#pairs;
      for (let at = from; at < used; at += 2) counts[pairs[at]!]! += 1;
      docs.push(doc);
      ends.push(used);
      // Sized to what the documents so far suggest all of them need, so it is copied once or twice.
      if (docs.length === 16) index.#pairs = room(index.#pairs, Math.ceil((used / 16) * expected * 1.1));
    };
    const counted = (): Counted => ({
      docs: Int32Array.from(docs),
      ends: Int32Array.from(ends),
      pairs: index.#pairs.subarray(0, used),
      counts: counts.subarray(0, index.postings.length * fields),
      lengths: Int32Array.from(index.fieldLength),
    });
    const part = (): TextIndexPart => ({
      ...counted(),
      terms: [...index.#termIds!.keys()],
      words: index.#words.words,
      wordTerms: index.#wordTerms,
    });
    const finish = (others: readonly TextIndexPart[] = []) => {
      // This builder's slots are already the index's.
      const own = { ...counted(), slots: Int32Array.from({ length: index.postings.length * fields }, (_, s) => s) };
      const parts = [own, ...others.map((other) => index.#adopt(other))];
      index.#layOut(parts);
      return index;
    };
    return { add, part, finish };
  }

  /** A part built elsewhere, its terms and words given this index's numbers: `slots` maps its pairs' slots. */
  #adopt(part: TextIndexPart): SlottedPart {
    const terms = part.terms.map((term) => this.#termId(term));
    const slots = new Int32Array(terms.length * this.fields);
    terms.forEach((term, local) => {
      for (let field = 0; field < this.fields; field++) slots[local * this.fields + field] = term * this.fields + field;
    });
    part.words.forEach((word, local) => {
      if (this.#words.number(word) < this.#wordTerms.length) return;
      this.#wordTerms.push(part.wordTerms[local]!.map((term) => terms[term]!));
      this.#wordCount.push(0);
    });
    return { ...part, slots };
  }

  /** The postings and lengths of every document of `parts` (see `layOutPostings`), all of them live. */
  #layOut(parts: readonly SlottedPart[]): void {
    const { postings, lengths } = layOutPostings(parts, this.postings.length, this.fields);
    postings.forEach((termPostings, term) => {
      this.postings[term] = termPostings;
    });
    this.fieldLength.length = lengths.length;
    this.#lengthSum.fill(0);
    lengths.forEach((length, at) => {
      this.fieldLength[at] = length;
      this.#lengthSum[at % this.fields]! += length;
    });
    const total = lengths.length / this.fields;
    this.#alive.length = total;
    this.#alive.fill(1);
    this.#live = total;
    this.#pairs = new Int32Array(1024);
    this.#pairsAt = 0;
    this.#plantTree();
  }

  /** Term to term id, in MiniSearch's radix tree for prefix and typo lookups. */
  get terms(): SearchableMap<number> {
    return this.#tree ?? this.#plantTree();
  }

  #plantTree(): SearchableMap<number> {
    this.#tree = SearchableMap.from(this.#termIds!);
    this.#termIds = undefined;
    return this.#tree;
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
    // The hottest loop of a build (every word of every runbook): indexed loops, no closures per word. A
    // field's words are counted first, then each distinct word's count goes to its terms: a word repeats
    // within a runbook, so its terms are looked at once per field rather than once per occurrence.
    const wordCount = this.#wordCount;
    const frequency = this.#termFrequency;
    const wordTerms = this.#wordTerms;
    const distinctWords = this.#distinctWords;
    const touched = this.#touched;
    let posted = 0;
    for (let field = 0; field < texts.length; field++) {
      const words = this.#words.scan(texts[field]!);
      const ids = this.#words.ids;
      let distinct = 0;
      for (let w = 0; w < words; w++) {
        const word = ids[w]!;
        if (word === wordTerms.length) this.#analyseNew(word);
        if (wordCount[word]!++ === 0) distinctWords[distinct++] = word;
      }
      let touchedCount = 0;
      for (let w = 0; w < distinct; w++) {
        const word = distinctWords[w]!;
        const count = wordCount[word]!;
        wordCount[word] = 0;
        const terms = wordTerms[word]!;
        for (let t = 0; t < terms.length; t++) {
          const term = terms[t]!;
          if (frequency[term] === 0) touched[touchedCount++] = term;
          frequency[term]! += count;
        }
      }
      const base = this.#pairsAt;
      this.#pairs = room(this.#pairs, base + 2 * (posted + touchedCount));
      for (let t = 0; t < touchedCount; t++) {
        const term = touched[t]!;
        this.#pairs[base + 2 * posted] = term * this.fields + field;
        this.#pairs[base + 2 * posted + 1] = frequency[term]!;
        posted += 1;
        frequency[term] = 0;
      }
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
    this.#wordTerms.push(this.#analyse(this.#words.words[word]!).map((term) => this.#termId(term)));
    this.#wordCount.push(0);
  }

  /** The id of `term`, given now if it is new. */
  #termId(term: string): number {
    const ids = this.#termIds ?? this.terms;
    let id = ids.get(term);
    if (id === undefined) {
      id = this.postings.length;
      this.postings.push(new Int32Array(this.fields));
      this.#termFrequency.push(0);
      ids.set(term, id);
    }
    return id;
  }
}

/** `array`, or a copy twice as long (or longer) when it holds fewer than `size` entries. */
function room(array: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  if (size <= array.length) return array;
  const bigger = new Int32Array(Math.max(array.length * 2, size));
  bigger.set(array);
  return bigger;
}
