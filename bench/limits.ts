import { randomBytes } from 'node:crypto';
import { SharedLimits } from '../src/adapters/rate-limits/index.ts';
import type { Logger } from '../src/ports/logger.ts';
import { percentile, ratio } from './stats.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/**
 * What a limit costs a call when nothing has to wait: a job through the local limiter alone (no REDIS_URL)
 * and through the local and the clustered one (Redis at 127.0.0.1:6379), against calling the task directly.
 * Calls are awaited one after another, so each figure is one call's latency.
 */
export async function limitsOverhead(calls = 500): Promise<string[]> {
  const local = new SharedLimits({ log: silent });
  const shared = await SharedLimits.open({
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: `bench-${randomBytes(4).toString('hex')}-`,
    log: silent,
  });
  for (let i = 0; i < 200 && !shared.up; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!shared.up) throw new Error('limits bench: Redis did not answer');
  const task = async () => 1;
  const run = async (schedule: () => Promise<unknown>) => {
    for (let i = 0; i < 50; i++) await schedule();
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const start = performance.now();
      await schedule();
      samples.push(performance.now() - start);
    }
    return samples;
  };
  const localGroup = local.group('bench', { maxConcurrent: 100 });
  const sharedGroup = shared.group('bench', { maxConcurrent: 100 });
  const direct = await run(task);
  const alone = await run(() => localGroup.schedule('k', {}, task));
  const together = await run(() => sharedGroup.schedule('k', {}, task));
  await Promise.all([local.stop(), shared.stop()]);
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  const p50 = (s: number[]) => percentile(s, 50);
  return [
    `limits: ${calls} calls each, one at a time, nothing waiting on a limit`,
    `  direct call         p50 ${us(p50(direct))}`,
    `  local limiter       p50 ${us(p50(alone))}  p99 ${us(percentile(alone, 99))}`,
    `  shared (Redis)      p50 ${us(p50(together))}  p99 ${us(percentile(together, 99))}`,
    `  shared / local      ${ratio(p50(together), p50(alone))} (p50)`,
  ];
}
