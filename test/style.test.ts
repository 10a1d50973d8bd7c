import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const MAX_LINE = 120;

function trackedSources(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--', 'src', 'commands', 'test', 'bench', 'scripts'], {
    cwd: root,
    encoding: 'utf8',
  });
  return listed.split('\0').filter((file) => /\.[jt]s$/.test(file));
}

/** `file:line (length)` for each line longer than `max` characters (code points, as an editor counts them). */
function longLines(file: string, text: string, max = MAX_LINE): string[] {
  return text.split('\n').flatMap((line, i) => {
    const length = [...line].length;
    return length > max ? [`${file}:${i + 1} (${length})`] : [];
  });
}

describe('line length', () => {
  it.each([
    { name: 'a line at the limit', text: 'x'.repeat(120), expected: [] },
    { name: 'a line over it', text: `ok\n${'x'.repeat(121)}`, expected: ['f.ts:2 (121)'] },
    { name: 'emoji counted once', text: '✅'.repeat(120), expected: [] },
  ])('counts $name', ({ text, expected }) => {
    expect(longLines('f.ts', text)).toEqual(expected);
  });

  it(`keeps every tracked source line within ${MAX_LINE} characters`, async () => {
    const files = trackedSources();
    expect(files.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    for (const file of files) offenders.push(...longLines(file, await readFile(join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
