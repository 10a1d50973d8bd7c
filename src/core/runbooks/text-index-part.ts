/**
 * What a text index builder on another thread hands over (`TextIndex.builder`'s `part`): the documents it
 * counted, as plain data whose arrays can be transferred. Its terms and words are numbered its own way;
 * the builder that finishes the index renumbers them into its own.
 */
export interface TextIndexPart {
  /** The number of each document in the whole index, ascending. */
  docs: Int32Array<ArrayBuffer>;
  /** Where each document's pairs end in `pairs`. */
  ends: Int32Array<ArrayBuffer>;
  /** (term × fields + field, frequency) for each term and field of each document, document after document. */
  pairs: Int32Array<ArrayBuffer>;
  /** How many pairs each slot (term × fields + field) has in `pairs`. */
  counts: Int32Array<ArrayBuffer>;
  /** Distinct words of each field of each document: `lengths[local document × fields + field]`. */
  lengths: Int32Array<ArrayBuffer>;
  /** Each term, by its number here. */
  terms: string[];
  /** Each word as written, by its number here, and the numbers of its terms. */
  words: string[];
  wordTerms: Array<readonly number[]>;
}

/** The buffers of `part` to transfer rather than copy. */
export const transferable = (part: TextIndexPart): ArrayBuffer[] => [
  part.docs.buffer,
  part.ends.buffer,
  part.pairs.buffer,
  part.counts.buffer,
  part.lengths.buffer,
];
