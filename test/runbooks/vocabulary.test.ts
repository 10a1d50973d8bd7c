import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/core/runbooks/search-terms.ts';
import { Vocabulary } from '../../src/core/runbooks/vocabulary.ts';
import { TOKENIZER_CASES } from './fixtures.ts';
import { shippedRunbooks } from './shipped.ts';

const words = (vocabulary: Vocabulary, text: string): string[] => {
  const count = vocabulary.scan(text);
  return [...vocabulary.ids.subarray(0, count)].map((id) => vocabulary.words[id]!);
};

describe('Vocabulary', () => {
  it.each([
    ...TOKENIZER_CASES,
    '---',
    'emoji 🚀 inside a word🚀word and astral punctuation a\u{10100}b',
    'deploy Deploy DEPLOY deploy',
  ])('splits %j as tokenize does', (text) => {
    expect(words(new Vocabulary(), text)).toEqual(tokenize(text));
  });

  it('numbers a word once, however often and in whichever text it comes', () => {
    const vocabulary = new Vocabulary();
    expect(words(vocabulary, 'disk full, disk')).toEqual(['disk', 'full', 'disk']);
    const first = [...vocabulary.ids.subarray(0, 3)];
    vocabulary.scan('full disk');
    expect([...vocabulary.ids.subarray(0, 2)]).toEqual([first[1], first[0]]);
    expect(vocabulary.words.length).toBe(2);
  });

  it('given the words of another one by one, numbers them as it did and finds them without adding any', () => {
    const first = new Vocabulary();
    const text = 'disk full, disk ÉTÉ 🚀rocket  — end';
    const count = first.scan(text);
    const again = new Vocabulary();
    expect(first.words.map((word) => again.number(word))).toEqual(first.words.map((_, id) => id));
    expect(first.words.map((word) => again.number(word))).toEqual(first.words.map((_, id) => id));
    expect(again.words).toEqual(first.words);
    expect([...again.ids.subarray(0, again.scan(text))]).toEqual([...first.ids.subarray(0, count)]);
    expect(again.words).toEqual(first.words);
  });

  it('splits every shipped runbook as tokenize does, with more words than its first table holds', async () => {
    const vocabulary = new Vocabulary();
    const { runbooks } = await shippedRunbooks();
    const texts = runbooks.flatMap((r) => [r.title, r.body, r.body.toUpperCase(), r.body.replace(/e/g, 'é')]);
    for (const text of texts) expect(words(vocabulary, text)).toEqual(tokenize(text));
    expect(vocabulary.words.length).toBeGreaterThan(4096 / 2);
  });
});
