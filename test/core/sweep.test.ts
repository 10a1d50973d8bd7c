import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { Sweeper } from '../../src/core/sweep.ts';
import type { LeaseKind } from '../../src/ports/metrics.ts';
import { ManualClock } from '../helpers/clock.ts';
import { recordingLogger } from './logs/tail-fixtures.ts';

const LEASE = 45_000;

describe('the expiry sweep', () => {
  let dir: string;
  let clock: ManualClock;
  let store: SqliteStore;
  let rounds: string[];
  let lost: LeaseKind[];

  const sweeper = (holder: string) =>
    new Sweeper({
      leases: store,
      log: recordingLogger(),
      metrics: { leaseLost: (kind) => void lost.push(kind) },
      holder,
      leaseMs: LEASE,
      work: async () => void rounds.push(holder),
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opsdeck-sweep-'));
    clock = new ManualClock('2026-11-24T10:00:00Z');
    store = SqliteStore.open(join(dir, 'db'), clock);
    rounds = [];
    lost = [];
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs on one replica at a time, however many try each round', async () => {
    const [a, b] = [sweeper('run_a'), sweeper('run_b')];
    for (let round = 0; round < 3; round++) {
      expect(await Promise.all([a.tick(), b.tick()])).toEqual([true, false]);
      await clock.advance(15_000);
    }
    expect(rounds).toEqual(['run_a', 'run_a', 'run_a']);
  });

  it('moves to another replica once the holder stops renewing, and the old holder then stands down', async () => {
    const [a, b] = [sweeper('run_a'), sweeper('run_b')];
    expect(await a.tick()).toBe(true);
    await clock.advance(LEASE - 1);
    expect(await b.tick()).toBe(false);
    await clock.advance(1);
    expect(await b.tick()).toBe(true);
    expect(await a.tick()).toBe(false);
    expect(lost).toEqual(['sweep']);
    expect(rounds).toEqual(['run_a', 'run_b']);
  });

  it('hands over at once when the holder stops', async () => {
    const [a, b] = [sweeper('run_a'), sweeper('run_b')];
    expect(await a.tick()).toBe(true);
    await a.stop();
    expect(await b.tick()).toBe(true);
    expect(lost).toEqual([]);
  });

  it('skips a round while its previous one still runs', async () => {
    let release: (() => void) | undefined;
    const slow = new Sweeper({
      leases: store,
      log: recordingLogger(),
      holder: 'run_slow',
      leaseMs: LEASE,
      work: () => new Promise<void>((resolve) => (release = resolve)),
    });
    const first = slow.tick();
    while (!release) await new Promise((r) => setImmediate(r));
    expect(await slow.tick()).toBe(false);
    release();
    expect(await first).toBe(true);
  });
});
