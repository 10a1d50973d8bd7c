import { describe, expect, it } from 'vitest';
import { RunbookLibrary } from '../../src/core/runbooks/library.ts';
import type { RunbookSource } from '../../src/ports/runbooks.ts';
import { ManualClock, WEEKDAY } from '../helpers/clock.ts';
import { recordingLogger, registry, runbookText } from './fixtures.ts';

function countingSource() {
  const source = {
    reads: 0,
    describe: () => 'runbooks/',
    list: async () => {
      source.reads += 1;
      return [{ path: 'high-5xx.md', text: runbookText('title: High 5xx\nservices: [api]') }];
    },
  } satisfies RunbookSource & { reads: number };
  return source;
}

describe('RunbookLibrary', () => {
  it.each([
    ['serves the cached index while it is younger than maxAge on its clock', 599_999, 1],
    ['reads the source again once maxAge has passed', 600_000, 2],
  ])('%s', async (_label, laterMs, reads) => {
    const clock = new ManualClock(WEEKDAY);
    const source = countingSource();
    const library = new RunbookLibrary(source, {
      families: registry.families(),
      log: recordingLogger(),
      maxAgeMs: 600_000,
      clock,
    });
    expect((await library.index()).size).toBe(1);
    await clock.advance(laterMs);
    await library.index();
    expect(source.reads).toBe(reads);
  });
});
