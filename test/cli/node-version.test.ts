import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

/**
 * A Node older than 24 on this machine, outside npm's PATH (which puts the `node` dev dependency first):
 * the system one a user would get by typing `node bin/opsdeck.js`.
 */
function olderNode(): { path: string; version: string } | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter((d) => d && !d.includes('node_modules'));
  const dirs = [...onPath, '/usr/bin', '/usr/local/bin'];
  for (const dir of new Set(dirs)) {
    const path = join(dir, 'node');
    if (!existsSync(path)) continue;
    try {
      const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
      if (Number(/^v(\d+)/.exec(version)?.[1]) < 24) return { path, version };
    } catch {}
  }
  return undefined;
}

const older = olderNode();
const found = older ? `with ${older.path} ${older.version}` : 'skipped: no Node older than 24 on this machine';

describe('bin/opsdeck.js on an older Node', () => {
  // Without an older Node there is nothing to run the bin with; say so instead of passing silently.
  it.skipIf(!older)(`says Node 24 is needed and how to get it (${found})`, () => {
    const res = spawnSync(older!.path, [join(ROOT, 'bin/opsdeck.js'), 'help'], { cwd: ROOT, encoding: 'utf8' });
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain(`opsdeck needs Node 24 or newer (this is ${older!.version})`);
    expect(res.stderr).toContain('nvm install 24');
    expect(res.stderr).not.toMatch(/node:sqlite|ERR_|\n\s+at /);
  });
});
