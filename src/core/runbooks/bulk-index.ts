import type { AsPlainObject } from 'minisearch';

// MiniSearch's default tokenizer splits on /[\n\r\p{Z}\p{P}]+/u. The same split, faster: the few non-ASCII
// separators (dashes, arrows are not: they are symbols) become spaces, then the ASCII ones split.
const ASCII_SEPARATORS = /[\n\r !"#%&'()*,\-./:;?@[\\\]_{}]+/;
const NON_ASCII = /[^\p{ASCII}]/gu;
const SEPARATOR = /[\p{Z}\p{P}]/u;

/** The words of a field, exactly as MiniSearch's default tokenizer finds them. */
export const tokenize = (text: string): string[] =>
  text.replace(NON_ASCII, (c) => (SEPARATOR.test(c) ? ' ' : c)).split(ASCII_SEPARATORS);

type Term = (raw: string) => string | string[] | null | undefined;

/**
 * The serialised form of the MiniSearch index that `add()` of each document in turn would build, made in
 * one pass. `add()` walks the radix tree once per word of every body (millions of walks at 10,000
 * runbooks); here each document's words are counted first and each distinct term is inserted once, by
 * `MiniSearch.loadJS`. Field lengths, their averages and term frequencies are computed as `add()` does,
 * so scores are identical (test/runbooks/search-bulk.test.ts compares the two).
 */
export function bulkIndex(
  docs: readonly { id: string; fields: readonly string[] }[],
  fieldNames: readonly string[],
  processTerm: Term,
): AsPlainObject {
  const fieldIds = Object.fromEntries(fieldNames.map((f, i) => [f, i]));
  const averageFieldLength = fieldNames.map(() => 0);
  const documentIds: Record<number, string> = {};
  const fieldLength: Record<number, number[]> = {};
  const postings = new Map<string, Record<number, Record<number, number>>>();
  // Words repeat across runbooks: each is stemmed once per build.
  const terms = new Map<string, readonly string[]>();
  const termsOf = (raw: string): readonly string[] => {
    let known = terms.get(raw);
    if (known === undefined) {
      const processed = processTerm(raw);
      known = Array.isArray(processed) ? processed : processed ? [processed] : [];
      terms.set(raw, known);
    }
    return known;
  };
  docs.forEach((doc, shortId) => {
    documentIds[shortId] = doc.id;
    const lengths: number[] = [];
    fieldLength[shortId] = lengths;
    doc.fields.forEach((text, fieldId) => {
      // Each word is hashed once: counted as written, then each distinct word stemmed and posted.
      const words = new Map<string, number>();
      for (const token of tokenize(text)) words.set(token, (words.get(token) ?? 0) + 1);
      // MiniSearch's field length is the number of distinct words.
      lengths[fieldId] = words.size;
      averageFieldLength[fieldId] = (averageFieldLength[fieldId]! * shortId + words.size) / (shortId + 1);
      for (const [word, n] of words) {
        for (const term of termsOf(word)) {
          let byField = postings.get(term);
          if (!byField) {
            byField = {};
            postings.set(term, byField);
          }
          const docs = byField[fieldId] ?? {};
          byField[fieldId] = docs;
          docs[shortId] = (docs[shortId] ?? 0) + n;
        }
      }
    });
  });
  return {
    documentCount: docs.length,
    nextId: docs.length,
    documentIds,
    fieldIds,
    fieldLength,
    averageFieldLength,
    storedFields: {},
    dirtCount: 0,
    index: [...postings],
    serializationVersion: 2,
  };
}
