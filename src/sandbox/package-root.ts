import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding opsdeck's package.json, found from this file whether it runs from src/
 * (tsx) or from dist/src/ (the built image), so shipped files like manifest.yml are found.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'opsdeck')
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the opsdeck package root');
    dir = parent;
  }
}
