import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { runbooksCheck } from '../../src/cli/runbooks-check.ts';
import type { RunbookFile } from '../../src/ports/runbooks.ts';
import { catalog, registry, runbookText } from './fixtures.ts';

function captureIo(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => void out.push(l), err: (l) => void err.push(l) }, out, err };
}

describe('runbooksCheck', () => {
  it('prints how many runbooks are fine and exits 0', () => {
    const { io, out, err } = captureIo();
    const files: RunbookFile[] = [
      { path: 'a.md', text: runbookText('title: A\nservices: [api]', '`/ops status api prod`') },
      { path: 'b.md', text: runbookText('title: B') },
    ];
    expect(runbooksCheck(io, files, { catalog, registry, root: 'runbooks' })).toBe(0);
    expect({ out, err }).toEqual({ out: ['2 runbooks OK'], err: [] });
  });

  it('prints file:line: message per problem, under the root, and exits 2', () => {
    const { io, out, err } = captureIo();
    const files: RunbookFile[] = [
      {
        path: 'high-5xx.md',
        text: runbookText('title: High 5xx\nservices: [apu]', '# High 5xx\n\n`/lgos api prod --since 15m`\n'),
      },
    ];
    expect(runbooksCheck(io, files, { catalog, registry, root: 'runbooks' })).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'runbooks/high-5xx.md:3: unknown service "apu" (did you mean "api"?)',
      'runbooks/high-5xx.md:7: `/lgos api prod --since 15m`: Unknown command `/lgos`. Did you mean `/logs`?',
    ]);
  });

  it('treats an empty source as a mistake', () => {
    const { io, out, err } = captureIo();
    expect(runbooksCheck(io, [], { catalog, registry, root: 'runbooks/' })).toBe(2);
    expect({ out, err }).toEqual({ out: [], err: ['no runbooks found in runbooks/'] });
  });
});
