import type { TextIndexPart } from './text-index-part.ts';

/** The documents a builder counted, without its terms and words. */
export type Counted = Pick<TextIndexPart, 'docs' | 'ends' | 'pairs' | 'counts' | 'lengths'>;
/** Counted documents with each of their slots (term × fields + field) in the whole index's numbers. */
export type SlottedPart = Counted & { slots: Int32Array };

/**
 * Every term's postings (a count per field, then `doc, frequency` pairs per field in document order) in one
 * slab at its final size, filled from the parts of builders, and each document's field lengths. The slab is
 * sized from the parts' slot counts, so nothing grows posting by posting. The documents of all parts
 * together must be numbered 0 to n - 1, each once.
 */
export function layOutPostings(
  parts: readonly SlottedPart[],
  terms: number,
  fields: number,
): { postings: Int32Array[]; lengths: number[] } {
  const counts = new Int32Array(terms * fields);
  for (const { counts: own, slots } of parts) {
    for (let slot = 0; slot < own.length; slot++) counts[slots[slot]!]! += own[slot]!;
  }
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
  const postings = Array.from({ length: terms }, (_, term) => {
    slab.set(counts.subarray(term * fields, (term + 1) * fields), start[term]!);
    return slab.subarray(start[term]!, start[term + 1]!);
  });
  const total = parts.reduce((sum, part) => sum + part.docs.length, 0);
  const lengths = new Array<number>(total * fields);
  const next = parts.map(() => 0);
  for (let doc = 0; doc < total; doc++) {
    const p = parts.findIndex((part, i) => part.docs[next[i]!] === doc);
    if (p < 0) throw new Error(`text index: document ${doc} is in none of the parts`);
    const { ends, pairs, slots } = parts[p]!;
    const local = next[p]!++;
    for (let at = local ? ends[local - 1]! : 0; at < ends[local]!; at += 2) {
      const slot = slots[pairs[at]!]!;
      slab[cursor[slot]!] = doc;
      slab[cursor[slot]! + 1] = pairs[at + 1]!;
      cursor[slot]! += 2;
    }
    for (let field = 0; field < fields; field++)
      lengths[doc * fields + field] = parts[p]!.lengths[local * fields + field]!;
  }
  return { postings, lengths };
}
