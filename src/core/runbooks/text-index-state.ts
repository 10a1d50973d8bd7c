/**
 * A text index as plain data, for another thread: see `TextIndex.state`. What can be worked out from these
 * (lengths summed per field, the live documents, the words' lookup table) is worked out on arrival.
 */
export interface TextIndexState {
  terms: Array<[string, number]>;
  /** Every term's postings, term after term: term `t`'s are `slab[starts[t], starts[t + 1])`. */
  slab: Int32Array<ArrayBuffer>;
  starts: Int32Array<ArrayBuffer>;
  fieldLength: number[];
  alive: number[];
  words: string[];
  wordTerms: Array<readonly number[]>;
}

/**
 * Every term's postings in one array, term after term, and where each starts. A freshly built index's
 * postings already lie so in one slab, which is handed over as it is: its buffer can be transferred.
 */
export function pack(postings: readonly Int32Array[]): Pick<TextIndexState, 'slab' | 'starts'> {
  const starts = new Int32Array(postings.length + 1);
  postings.forEach((p, term) => {
    starts[term + 1] = starts[term]! + p.length;
  });
  const first = postings[0];
  const inPlace =
    first !== undefined &&
    first.byteOffset === 0 &&
    postings.every((p, term) => p.buffer === first.buffer && p.byteOffset === starts[term]! * 4) &&
    first.buffer.byteLength === starts[postings.length]! * 4;
  if (inPlace) return { slab: new Int32Array(first.buffer as ArrayBuffer), starts };
  const slab = new Int32Array(starts[postings.length]!);
  postings.forEach((p, term) => {
    slab.set(p, starts[term]!);
  });
  return { slab, starts };
}

/** Each term's postings, as views of the slab. */
export function unpack(slab: Int32Array, starts: Int32Array): Int32Array[] {
  return Array.from({ length: starts.length - 1 }, (_, term) => slab.subarray(starts[term]!, starts[term + 1]!));
}
