import { describe, expect, it } from 'vitest';
import { SyncBatches } from '../../src/adapters/runbooks-fs/sync-batches.ts';

describe('SyncBatches', () => {
  it('answers each input with its own value or error', async () => {
    const batches = new SyncBatches();
    const call = (n: number) => () => {
      if (n % 3 === 0) throw new Error(`no ${n}`);
      return n * 2;
    };
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, n) => batches.run(call(n))));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(
      Array.from({ length: 200 }, (_, n) => (n % 3 === 0 ? `no ${n}` : n * 2)),
    );
  });

  it('runs at most 64 calls a turn, letting other work run between batches', async () => {
    const batches = new SyncBatches();
    const order: string[] = [];
    const all = Promise.all(Array.from({ length: 100 }, () => batches.run(() => order.push('call'))));
    setImmediate(() => order.push('other work'));
    await all;
    expect(order.indexOf('other work')).toBe(64);
  });
});
