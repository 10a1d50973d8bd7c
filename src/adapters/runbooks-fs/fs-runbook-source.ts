import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isRunbookPath } from '../../core/runbooks/parse.ts';
import type { RunbookFile, RunbookSource } from '../../ports/runbooks.ts';

/**
 * Runbooks in a local folder (the shipped `runbooks/`), read on every `list()`: they are small, and
 * edits show up without a restart. Hidden folders are skipped. No `url`: a `file:` link is useless in Slack.
 */
export class FsRunbookSource implements RunbookSource {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  describe(): string {
    return this.#dir.endsWith('/') ? this.#dir : `${this.#dir}/`;
  }

  async list(): Promise<RunbookFile[]> {
    const entries = await readdir(this.#dir, { withFileTypes: true, recursive: true }).catch(
      (err: NodeJS.ErrnoException) => {
        const why = err.code === 'ENOENT' ? 'no such folder' : err.message;
        throw new Error(`Cannot read runbooks from ${this.#dir}: ${why}`, { cause: err });
      },
    );
    const paths = entries
      .filter((e) => e.isFile())
      .map((e) => relative(this.#dir, join(e.parentPath, e.name)).split(sep).join('/'))
      .filter((p) => isRunbookPath(p) && !p.split('/').some((part) => part.startsWith('.')))
      .sort();
    return Promise.all(paths.map(async (path) => ({ path, text: await readFile(join(this.#dir, path), 'utf8') })));
  }
}
