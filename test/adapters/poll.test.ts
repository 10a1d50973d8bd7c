import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../src/adapters/github/poll.ts';
import { pollUntilSettled } from '../../src/adapters/kubernetes/poll.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { ManualClock, WEEKDAY } from '../helpers/clock.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const T0 = WEEKDAY.getTime();

/** Reads that say when they were made, on the clock the poller runs on. */
function recorder(clock: ManualClock, settleAt = Number.POSITIVE_INFINITY) {
  const at: number[] = [];
  const read = async () => {
    at.push(clock.now().getTime() - T0);
    return clock.now().getTime() - T0 >= settleAt;
  };
  return { at, read };
}

describe('pollUntilSettled (Kubernetes rollouts and scaling)', () => {
  const poll = (clock: ManualClock, read: () => Promise<boolean>, lines: string[] = []) =>
    pollUntilSettled({
      read,
      judge: (done) => ({ state: done ? 'done' : 'waiting', line: done ? 'ready' : 'rolling' }),
      progress: async (line) => void lines.push(line),
      clock,
      pollMs: 1_000,
      timeoutMs: 5_000,
      log: silent,
    });

  it.each([
    ['settles at the first read that says so', 2_000, { state: 'done', line: 'ready' }, [0, 1_000, 2_000]],
    [
      'gives up once the timeout has passed on its clock',
      Number.POSITIVE_INFINITY,
      { state: 'timeout', line: 'rolling' },
      [0, 1_000, 2_000, 3_000, 4_000, 5_000],
    ],
  ])('%s', async (_label, settleAt, result, reads) => {
    const clock = new ManualClock(WEEKDAY);
    const { at, read } = recorder(clock, settleAt);
    const lines: string[] = [];
    expect(await clock.run(poll(clock, read, lines))).toMatchObject(result);
    expect(at).toEqual(reads);
    expect(lines).toEqual(settleAt === 2_000 ? ['rolling', 'ready'] : ['rolling']);
  });

  it('retries failed reads on its clock and throws the third in a row', async () => {
    const clock = new ManualClock(WEEKDAY);
    const at: number[] = [];
    const failing = async (): Promise<boolean> => {
      at.push(clock.now().getTime() - T0);
      throw new Error('connection refused');
    };
    await expect(clock.run(poll(clock, failing))).rejects.toThrow('connection refused');
    expect(at).toEqual([0, 1_000, 2_000]);
  });
});

describe('pollUntil (GitHub runs and deployments)', () => {
  it.each([
    ['returns the first value found', 2_500, true, [0, 1_000, 2_000, 3_000]],
    [
      'returns undefined once the deadline passes, with a last read at the deadline',
      Number.POSITIVE_INFINITY,
      undefined,
      [0, 1_000, 2_000, 3_000, 3_500],
    ],
  ])('%s', async (_label, settleAt, result, reads) => {
    const clock = new ManualClock(WEEKDAY);
    const { at, read } = recorder(clock, settleAt);
    const found = pollUntil({ clock, pollMs: 1_000, deadline: T0 + 3_500 }, async () =>
      (await read()) ? true : undefined,
    );
    expect(await clock.run(found)).toBe(result);
    expect(at).toEqual(reads);
  });
});
