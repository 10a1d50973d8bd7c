import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  hashRecord,
  sealRecord,
  verifyChain,
  type AuditEntry,
  type AuditRecord,
} from '../../src/core/audit-chain.ts';
import { canonicalJson } from '../../src/core/canonical-json.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const T0 = Date.parse('2025-06-02T09:00:00.000Z');

function entry(i: number): AuditEntry {
  return {
    actor: i % 2 ? 'U0ALICE' : 'U0BOB',
    action: ['deploy.requested', 'approval.granted', 'deploy.started', 'deploy.succeeded'][i % 4]!,
    target: { service: 'api', env: 'prod' },
    requestId: `req_${Math.ceil(i / 4)}`,
    details: { ref: 'v1.4.2', sha: 'a'.repeat(40), step: i },
  };
}

function chain(length: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (let i = 1; i <= length; i++) records.push(sealRecord(records.at(-1), entry(i), new Date(T0 + i * 1000)));
  return records;
}

describe('sealRecord and hashRecord', () => {
  it('seals the first record onto the genesis hash', () => {
    expect(GENESIS_HASH).toBe('0000000000000000000000000000000000000000000000000000000000000000');
    const first = sealRecord(undefined, entry(1), new Date(T0));
    expect(first).toMatchObject({ seq: 1, at: '2025-06-02T09:00:00.000Z', prevHash: GENESIS_HASH, actor: 'U0ALICE' });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hash = sha256(prevHash + canonical JSON without hash), recomputed by hand', () => {
    const record = sealRecord(
      undefined,
      {
        actor: 'U0ALICE',
        action: 'deploy.requested',
        target: { service: 'api', env: 'prod' },
        requestId: 'req_1',
        details: { ref: 'v1.4.2', b: [2, 1] },
      },
      new Date(T0),
    );
    const canonical =
      '{"action":"deploy.requested","actor":"U0ALICE","at":"2025-06-02T09:00:00.000Z",' +
      '"details":{"b":[2,1],"ref":"v1.4.2"},' +
      `"prevHash":"${GENESIS_HASH}","requestId":"req_1","seq":1,"target":{"env":"prod","service":"api"}}`;
    expect(record.hash).toBe(sha256(GENESIS_HASH + canonical));
    expect(hashRecord(record)).toBe(record.hash);
  });

  it('links each record to the previous hash and numbers them from 1', () => {
    const records = chain(4);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(records[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < records.length; i++) expect(records[i]!.prevHash).toBe(records[i - 1]!.hash);
    expect(new Set(records.map((r) => r.hash)).size).toBe(4);
  });

  it('does not depend on key order, at the top or inside details', () => {
    const a = sealRecord(
      undefined,
      {
        actor: 'U1',
        action: 'x',
        target: { service: 'api', env: 'prod' },
        requestId: 'r',
        details: { a: 1, b: { c: 2, d: 3 } },
      },
      new Date(T0),
    );
    const b = sealRecord(
      undefined,
      {
        details: { b: { d: 3, c: 2 }, a: 1 },
        requestId: 'r',
        target: { env: 'prod', service: 'api' },
        action: 'x',
        actor: 'U1',
      },
      new Date(T0),
    );
    expect(b.hash).toBe(a.hash);
  });

  it.each<[string, (r: AuditRecord) => AuditRecord]>([
    ['actor', (r) => ({ ...r, actor: 'U0MALLORY' })],
    ['action', (r) => ({ ...r, action: 'deploy.failed' })],
    ['at', (r) => ({ ...r, at: '2025-06-02T09:00:01.000Z' })],
    ['seq', (r) => ({ ...r, seq: 2 })],
    ['target', (r) => ({ ...r, target: { service: 'api', env: 'staging' } })],
    ['requestId', (r) => ({ ...r, requestId: 'req_2' })],
    ['details', (r) => ({ ...r, details: { ...r.details, ref: 'v9.9.9' } })],
    ['prevHash', (r) => ({ ...r, prevHash: '1'.repeat(64) })],
  ])('changes when %s changes', (_field, edit) => {
    const record = sealRecord(undefined, entry(1), new Date(T0));
    expect(hashRecord(edit(record))).not.toBe(record.hash);
  });

  it('ignores the stored hash and fields outside the record shape', () => {
    const record = sealRecord(undefined, entry(1), new Date(T0));
    expect(hashRecord({ ...record, hash: 'f'.repeat(64) } as AuditRecord)).toBe(record.hash);
    expect(hashRecord({ ...record, id: 99 } as AuditRecord)).toBe(record.hash);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', async () => {
    const records = chain(6);
    expect(await verifyChain(records)).toEqual({ ok: true, count: 6, head: { seq: 6, hash: records[5]!.hash } });
  });

  it('accepts an empty chain', async () => {
    expect(await verifyChain([])).toEqual({ ok: true, count: 0, head: undefined });
  });

  it('reads an async iterable', async () => {
    const records = chain(3);
    async function* stream() {
      for (const r of records) yield r;
    }
    expect(await verifyChain(stream())).toMatchObject({ ok: true, count: 3 });
  });

  type Tamper = (records: AuditRecord[]) => AuditRecord[];
  const edit =
    (i: number, change: Partial<AuditRecord>): Tamper =>
    (rs) =>
      rs.map((r, j) => (j === i ? { ...r, ...change } : r));
  /** Edits record i and gives it a correct hash for its new content, as a careful forger would. */
  const reseal =
    (i: number, change: Partial<AuditRecord>): Tamper =>
    (rs) =>
      rs.map((r, j) => {
        if (j !== i) return r;
        const forged = { ...r, ...change };
        return { ...forged, hash: hashRecord(forged) };
      });

  it.each<[string, Tamper, number, RegExp, number]>([
    ['first record edited', edit(0, { actor: 'U0MALLORY' }), 1, /edited/, 0],
    ['middle record edited', edit(2, { details: { ref: 'v6.6.6' } }), 3, /edited/, 2],
    ['last record edited', edit(5, { action: 'deploy.failed' }), 6, /edited/, 5],
    ['hash overwritten', edit(3, { hash: 'f'.repeat(64) }), 4, /edited/, 3],
    [
      'record 3 edited and re-hashed: record 4 no longer links',
      reseal(2, { actor: 'U0MALLORY' }),
      4,
      /does not link/,
      3,
    ],
    ['first record deleted', (rs) => rs.slice(1), 1, /entries 1\.\.1 are missing/, 0],
    ['middle record deleted', (rs) => rs.filter((r) => r.seq !== 3), 3, /entries 3\.\.3 are missing/, 2],
    ['two records deleted', (rs) => rs.filter((r) => r.seq !== 3 && r.seq !== 4), 3, /entries 3\.\.4 are missing/, 2],
    ['records 3 and 4 swapped', (rs) => [rs[0]!, rs[1]!, rs[3]!, rs[2]!, rs[4]!, rs[5]!], 3, /missing/, 2],
    [
      'record 2 duplicated',
      (rs) => [rs[0]!, rs[1]!, rs[1]!, ...rs.slice(2)],
      2,
      /sequence number 2 appears out of order after 2/,
      2,
    ],
    ['last record replayed at the end', (rs) => [...rs, rs[5]!], 6, /out of order after 6/, 6],
    ['record 4 re-sealed onto another predecessor', reseal(3, { prevHash: '1'.repeat(64) }), 4, /does not link/, 3],
  ])('%s → bad seq %i', async (_name, tamper, seq, problem, count) => {
    const verdict = await verifyChain(tamper(chain(6)));
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.seq).toBe(seq);
    expect(verdict.problem).toMatch(problem);
    expect(verdict.count).toBe(count);
  });

  it('cannot see a deletion at the tail: the shorter chain is intact with an earlier head', async () => {
    const records = chain(6);
    expect(await verifyChain(records.slice(0, 5))).toEqual({
      ok: true,
      count: 5,
      head: { seq: 5, hash: records[4]!.hash },
    });
  });
});

describe('canonicalJson', () => {
  it.each<[string, unknown, string]>([
    ['sorted top-level keys', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    ['sorted keys at depth', { z: { y: { b: 1, a: 2 }, x: 0 } }, '{"z":{"x":0,"y":{"a":2,"b":1}}}'],
    ['objects inside arrays are sorted', [{ b: 1, a: 2 }], '[{"a":2,"b":1}]'],
    ['arrays keep their order', { list: [3, 1, 2] }, '{"list":[3,1,2]}'],
    ['undefined properties are dropped', { a: 1, b: undefined, c: { d: undefined } }, '{"a":1,"c":{}}'],
    ['null is kept', { a: null }, '{"a":null}'],
    ['no whitespace', { a: [1, { b: 'x y' }] }, '{"a":[1,{"b":"x y"}]}'],
    ['dates as ISO strings', { at: new Date(T0) }, '{"at":"2025-06-02T09:00:00.000Z"}'],
    ['scalars', 'text', '"text"'],
    ['numbers', 1.5, '1.5'],
    ['unicode and quotes are escaped as JSON', { s: 'é "q"' }, '{"s":"é \\"q\\""}'],
  ])('%s', (_name, value, json) => {
    expect(canonicalJson(value)).toBe(json);
  });

  it('gives the same text whatever the insertion order', () => {
    const a = { actor: 'U1', details: { n: 1, m: [{ q: 1, p: 2 }] }, seq: 1 };
    const b = { seq: 1, details: { m: [{ p: 2, q: 1 }], n: 1 }, actor: 'U1' };
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });
});
