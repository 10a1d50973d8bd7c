import MiniSearch from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Runbook } from '../../src/core/runbooks/parse.ts';
import { RunbookIndex } from '../../src/core/runbooks/search.ts';
import { analyse, FIELDS, fieldTexts } from '../../src/core/runbooks/runbook-fields.ts';
import { indexTerms, queryTerm, tokenize } from '../../src/core/runbooks/search-terms.ts';
import { TextIndex } from '../../src/core/runbooks/text-index.ts';
import { TOKENIZER_CASES } from './fixtures.ts';
import { shippedRunbooks } from './shipped.ts';

const MINISEARCH_TOKENS = /[\n\r\p{Z}\p{P}]+/u;

describe('tokenize', () => {
  it.each(TOKENIZER_CASES)('splits %j as MiniSearch does', (text) => {
    expect(tokenize(text)).toEqual(text.split(MINISEARCH_TOKENS));
  });
});

/** The index as it was: MiniSearch with the same terms, boosts, typo and prefix rules. */
function miniSearch(runbooks: readonly Runbook[]): MiniSearch<Runbook> {
  const search = new MiniSearch<Runbook>({
    fields: [...FIELDS],
    extractField: (doc, field) => {
      const value = doc[field as keyof Runbook];
      return Array.isArray(value) ? value.join(' ') : String(value);
    },
    processTerm: indexTerms,
    searchOptions: {
      boost: { title: 4, alerts: 4, services: 3, tags: 2, body: 1 },
      fuzzy: (t) => (t.length >= 5 ? 0.2 : false),
      prefix: (t) => t.length >= 5,
      processTerm: queryTerm,
    },
  });
  search.addAll(runbooks);
  return search;
}

// Every hit, rounded and in one order (runbooks with equal scores by id), so both sides list ties alike.
const ranked = (hits: Array<{ id: string; score: number }>): Array<[string, number]> =>
  hits
    .map((h): [string, number] => [h.id, Number(h.score.toFixed(6))])
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));

function expected(search: MiniSearch<Runbook>, query: string): Array<[string, number]> {
  const all = search.search(query, { combineWith: 'AND' });
  return ranked(
    (all.length ? all : search.search(query, { combineWith: 'OR' })) as Array<{ id: string; score: number }>,
  );
}

const actual = (index: RunbookIndex, query: string): Array<[string, number]> =>
  ranked(index.search(query, 100).map((h) => ({ id: h.runbook.id, score: h.score })));

// Exact words, typos, prefixes, alert names, words in several runbooks, stop words and no match at all.
const QUERIES = [
  '5xx',
  'bad gateway',
  'latncy',
  'crashlop',
  'KubePodCrashLooping',
  'pod restarting',
  'deploy failed',
  'deploy deploy failed',
  'too many connections',
  'certifcate',
  'no space left on device',
  'api down',
  '5xx zebra',
  'rollback',
  'the of and',
  'zzzzqqq',
];

describe('RunbookIndex scores', () => {
  let runbooks: Runbook[];
  beforeAll(async () => {
    const { runbooks: shipped } = await shippedRunbooks();
    // Each runbook twice under two ids, so terms have several documents and averages several values.
    runbooks = [...shipped, ...shipped.map((r) => ({ ...r, id: `${r.id}-copy`, title: `${r.title} copy` }))];
  });

  it.each(QUERIES)('%j as MiniSearch scores it', (query) => {
    expect(actual(new RunbookIndex(runbooks), query)).toEqual(expected(miniSearch(runbooks), query));
  });

  it.each(QUERIES)('%j after runbooks were changed, added and removed as MiniSearch over the result', (query) => {
    const index = new RunbookIndex(runbooks.slice(2));
    const changed = { ...runbooks[5]!, title: 'Disk full, deploy failed', body: 'The disk is full after a deploy.' };
    for (const runbook of [changed, runbooks[0]!, runbooks[1]!]) index.update({ put: [runbook] });
    const removed = [runbooks[3]!.id, runbooks[9]!.id];
    for (const id of removed) index.update({ removed: [id] });
    const now = [...runbooks.slice(2).filter((r) => r.id !== changed.id), changed, runbooks[0]!, runbooks[1]!];
    const search = miniSearch(now.filter((r) => !removed.includes(r.id)));
    expect(index.size).toBe(search.documentCount);
    expect(actual(index, query)).toEqual(expected(search, query));
  });
});

/**
 * The text index of `texts` built as the thread build shares it: runbooks in turns of `chunk` between a
 * builder elsewhere (its part copied, as a message is) and the one here, which finishes the index.
 */
const builtInParts = (texts: readonly (readonly string[])[], chunk = 3): TextIndex => {
  const here = TextIndex.builder(FIELDS.length, analyse, texts.length);
  const elsewhere = TextIndex.builder(FIELDS.length, analyse, texts.length);
  texts.forEach((text, doc) => {
    (Math.floor(doc / chunk) % 2 ? here : elsewhere).add(text, doc);
  });
  return here.finish([structuredClone(elsewhere.part())]);
};
const builtElsewhere = (runbooks: readonly Runbook[]): TextIndex => builtInParts(runbooks.map(fieldTexts));

describe('RunbookIndex built elsewhere', () => {
  let runbooks: Runbook[];
  beforeAll(async () => {
    const { runbooks: shipped } = await shippedRunbooks();
    runbooks = [...shipped, ...shipped.map((r) => ({ ...r, id: `${r.id}-copy`, title: `${r.title} copy` }))];
  });

  it.each(QUERIES)('%j as MiniSearch scores it', async (query) => {
    const index = await RunbookIndex.withText(runbooks, Promise.resolve(builtElsewhere(runbooks)));
    expect(actual(index, query)).toEqual(expected(miniSearch(runbooks), query));
  });

  it.each(QUERIES)('%j after runbooks were changed and removed', async (query) => {
    const index = await RunbookIndex.withText(runbooks, Promise.resolve(builtElsewhere(runbooks)));
    const changed = [runbooks[2]!, runbooks[12]!].map((r) => ({ ...r, body: `${r.body} disk full after a deploy` }));
    index.update({ put: changed, removed: [runbooks[4]!.id, runbooks[14]!.id] });
    const now = runbooks
      .filter((r) => ![runbooks[4]!.id, runbooks[14]!.id, ...changed.map((c) => c.id)].includes(r.id))
      .concat(changed);
    expect(actual(index, query)).toEqual(expected(miniSearch(now), query));
  });

  it.each([1, 3, 7, 1_000])('is the index built in one piece, shared in turns of %i runbooks', (chunk) => {
    const texts = runbooks.map(fieldTexts);
    const whole = TextIndex.build(FIELDS.length, analyse, texts);
    const parts = builtInParts(texts, chunk);
    const terms = (index: TextIndex) => new Map([...index.terms].map(([term, id]) => [term, [...index.postings[id]!]]));
    expect(terms(parts)).toEqual(terms(whole));
    expect(parts.fieldLength).toEqual(whole.fieldLength);
    expect([parts.size, parts.numbered, parts.averageLength(4)]).toEqual([
      whole.size,
      whole.numbered,
      whole.averageLength(4),
    ]);
  });

  it('refuses parts that leave out a document', () => {
    const here = TextIndex.builder(FIELDS.length, analyse, 3);
    const elsewhere = TextIndex.builder(FIELDS.length, analyse, 3);
    here.add(['a', '', '', '', 'disk'], 0);
    elsewhere.add(['c', '', '', '', 'queue'], 2);
    expect(() => here.finish([elsewhere.part()])).toThrow('text index: document 1 is in none of the parts');
  });

  it('indexes every runbook here when the other build gave nothing', async () => {
    const index = await RunbookIndex.withText(runbooks, Promise.resolve(undefined));
    expect(actual(index, 'crashlop')).toEqual(expected(miniSearch(runbooks), 'crashlop'));
    expect(index.size).toBe(runbooks.length);
  });

  it('keeps the last runbook of a repeated id in the place of the first, as a build here does', async () => {
    const again = { ...runbooks[0]!, title: 'Replaced: disk full' };
    const listed = [...runbooks, again];
    const index = await RunbookIndex.withText(listed, Promise.resolve(builtElsewhere(listed)));
    const here = await RunbookIndex.build(listed);
    expect(index.all().map((r) => r.title)).toEqual(here.all().map((r) => r.title));
    expect(index.search('replaced', 3).map((h) => [h.runbook.id, h.score])).toEqual(
      here.search('replaced', 3).map((h) => [h.runbook.id, h.score]),
    );
  });
});

describe('RunbookIndex updates and long queries', () => {
  const runbook = (id: string, title: string, body: string, tags: string[] = []): Runbook => ({
    id,
    path: `${id}.md`,
    title,
    services: [],
    alerts: [],
    tags,
    body,
    steps: [],
  });
  const words = Array.from({ length: 300 }, (_, i) => `w${i.toString(36)}x`);

  it('ranks the runbook with every word of a 300-word query first, once', () => {
    const index = new RunbookIndex([
      runbook('all', 'All words', words.join(' ')),
      runbook('one', 'One word', words[0]!),
    ]);
    const hits = index.search(words.join(' '), 10).map((h) => h.runbook.id);
    expect(hits).toEqual(['all']);
    expect(index.search(`${words.slice(0, 256).join(' ')} nowhere`, 10).map((h) => h.runbook.id)).toEqual([
      'all',
      'one',
    ]);
  });

  it('applies several changes in one update as the same changes one at a time', () => {
    const base = [
      runbook('a', 'Disk full', 'disk space'),
      runbook('b', 'Queue backlog', 'queue workers'),
      runbook('c', 'Latency', 'slow disk'),
    ];
    const put = [
      runbook('d', 'Disk latency', 'queue disk', ['disk']),
      runbook('a', 'Disk full again', 'space on disk', ['queue']),
      runbook('e', 'Queue disk', 'latency', ['disk', 'queue']),
    ];
    const batched = new RunbookIndex(base);
    batched.update({ put, removed: ['b'] });
    const single = new RunbookIndex(base);
    for (const r of put) single.update({ put: [r] });
    single.update({ removed: ['b'] });
    const fresh = new RunbookIndex([base[2]!, ...put]);
    for (const query of ['disk', 'queue', 'latency', 'space', 'workers', 'disk queue']) {
      const ranked = (index: RunbookIndex) => index.search(query, 10).map((h) => [h.runbook.id, h.score.toFixed(6)]);
      expect(ranked(batched)).toEqual(ranked(fresh));
      expect(ranked(single)).toEqual(ranked(fresh));
    }
    expect(batched.all().map((r) => r.id)).toEqual(['a', 'c', 'd', 'e']);
  });

  it('says a fresh build would give back space once more runbooks were replaced than remain', async () => {
    const runbooks = Array.from({ length: 100 }, (_, i) => runbook(`r${i}`, `Runbook ${i}`, `body ${i}`));
    const index = new RunbookIndex(runbooks);
    index.update({ put: runbooks.slice(0, 60).map((r) => ({ ...r, body: `${r.body} edited` })) });
    expect(index.wasteful).toBe(false);
    index.update({ put: runbooks.slice(0, 60).map((r) => ({ ...r, body: `${r.body} again` })) });
    expect(index.wasteful).toBe(true);
    const rebuilt = await RunbookIndex.build(index.all());
    expect(rebuilt.wasteful).toBe(false);
    expect(rebuilt.search('again', 100).map((h) => h.runbook.id)).toEqual(
      index.search('again', 100).map((h) => h.runbook.id),
    );
  });
});
