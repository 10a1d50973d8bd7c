import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { bulkIndex, tokenize } from '../../src/core/runbooks/bulk-index.ts';
import { indexTerms } from '../../src/core/runbooks/search-terms.ts';
import { shippedRunbooks } from './shipped.ts';

const MINISEARCH_TOKENS = /[\n\r\p{Z}\p{P}]+/u;

describe('tokenize', () => {
  it.each([
    'plain words, with punctuation: here.',
    'an em dash — and an arrow → stay apart',
    'no\u00a0break\u2003em space\u3000ideographic',
    '«quoted» ¿question? 日本語、テキスト。',
    'tab\tis not a separator; $dollar +plus <lt> =eq ^caret `tick` |pipe ~tilde',
    '  leading and trailing  ',
    '',
  ])('splits %j as MiniSearch does', (text) => {
    expect(tokenize(text)).toEqual(text.split(MINISEARCH_TOKENS));
  });
});

describe('bulkIndex', () => {
  it('builds the index that adding each runbook to MiniSearch builds', async () => {
    const { runbooks } = await shippedRunbooks();
    const fields = ['title', 'alerts', 'services', 'tags', 'body'];
    // Twice over, so terms have several documents and averages several values.
    const docs = [...runbooks, ...runbooks].map((r, i) => ({
      id: `${r.id}-${i}`,
      fields: [r.title, r.alerts.join(' '), r.services.join(' '), r.tags.join(' '), r.body],
    }));
    const added = new MiniSearch<{ id: string; fields: string[] }>({
      fields,
      extractField: (doc, field) => (field === 'id' ? doc.id : doc.fields[fields.indexOf(field)]),
      processTerm: indexTerms,
    });
    added.addAll(docs);
    const expected = added.toJSON();
    const built = bulkIndex(docs, fields, indexTerms);
    const sorted = (index: typeof built.index) => [...index].sort(([a], [b]) => (a < b ? -1 : 1));
    expect({ ...built, index: sorted(built.index) }).toEqual({ ...expected, index: sorted(expected.index) });
  });
});
