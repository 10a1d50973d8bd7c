import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eachOf, readTexts, SyncBatches } from '../../src/adapters/runbooks-fs/sync-batches.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

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

describe('readTexts', () => {
  it('reads files past one decoding chunk, with errors of their own in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-texts-'));
    dirs.push(dir);
    const texts = ['first → ok', 'x'.repeat(9 << 20), '', 'après\0nul', 'last'];
    await Promise.all(texts.map((text, i) => writeFile(join(dir, `${i}.md`), text)));
    const paths = [0, 1, 'missing', 2, 3, 4].map((name) => join(dir, `${name}.md`));
    const read = readTexts(paths).map((r) => ('value' in r ? r.value : (r.error as NodeJS.ErrnoException).code));
    expect(read).toEqual([texts[0], texts[1], 'ENOENT', texts[2], texts[3], texts[4]]);
  });
});
