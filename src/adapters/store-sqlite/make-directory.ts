import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`, one level at a time. Node's `mkdirSync(dir, { recursive: true })` never returns where a parent
 * exists but refuses new entries with ENOENT (under /proc it retries forever at full CPU), so a mistyped
 * OPSDECK_DATA_DIR hung the start instead of failing it. Here the first refusal is the error.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; !existsSync(at) && dirname(at) !== at; at = dirname(at)) missing.unshift(at);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (err) {
      // Made meanwhile by another process: fine; a file there fails the next level or the open.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
