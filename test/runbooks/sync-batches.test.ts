import { describe, expect, it } from 'vitest';
import { eachOf, SyncBatches } from '../../src/adapters/runbooks-fs/sync-batches.ts';

describe('SyncBatches', () => {
  it('answers each input with its own value or error', async () => {
    const batches = new SyncBatches(
      eachOf((n: number) => {
        if (n % 3 === 0) throw new Error(`no ${n}`);
        return n * 2;
      }),
    );
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, n) => batches.run(n)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(
      Array.from({ length: 200 }, (_, n) => (n % 3 === 0 ? `no ${n}` : n * 2)),
    );
  });

  it('fails the inputs of a batch that throws, and goes on with the next batches', async () => {
    let calls = 0;
    const batches = new SyncBatches((inputs: readonly number[]) => {
      calls += 1;
      if (calls === 1) throw new Error('the batch broke');
      return inputs.map((value) => ({ value }));
    });
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, n) => batches.run(n)));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(64);
    expect(results.slice(64).map((r) => r.status === 'fulfilled' && r.value)).toEqual(
      Array.from({ length: 36 }, (_, n) => 64 + n),
    );
  });
});
