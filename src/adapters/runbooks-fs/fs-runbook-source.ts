import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { isRunbookPath } from '../../core/runbooks/paths.ts';
import type { RunbookEntry, RunbookFile, RunbookSource } from '../../ports/runbooks.ts';
import { readText, SyncBatches } from './sync-batches.ts';

/**
 * Runbooks in a local folder (the shipped `runbooks/`), listed again on every reload so edits show up
 * without a restart; a file is read again only when its modification time or size changed. Hidden
 * folders are skipped. No `url`: a `file:` link is useless in Slack.
 */
export class FsRunbookSource implements RunbookSource {
  readonly #dir: string;
  readonly #files = new SyncBatches();

  constructor(dir: string) {
    this.#dir = dir;
  }

  describe(): string {
    return this.#dir.endsWith('/') ? this.#dir : `${this.#dir}/`;
  }

  async list(): Promise<RunbookFile[]> {
    return Promise.all((await this.#paths()).map((path) => this.#read(path)));
  }

  async entries(): Promise<RunbookEntry[]> {
    return Promise.all(
      (await this.#paths()).map((path) =>
        this.#files.run(() => {
          const { mtimeMs, size } = statSync(join(this.#dir, path));
          return { path, version: `${mtimeMs}:${size}` };
        }),
      ),
    );
  }

  read(entry: RunbookEntry): Promise<RunbookFile> {
    return this.#read(entry.path);
  }

  #read(path: string): Promise<RunbookFile> {
    return this.#files.run(() => ({ path, text: readText(join(this.#dir, path)) }));
  }

  async #paths(): Promise<string[]> {
    // Read from the folder's absolute path, every entry's folder is that path or one below it, so its path
    // within is a slice: path.relative over 10,000 files took longer than listing them.
    const root = resolve(this.#dir);
    const under = root.endsWith(sep) ? root.length : root.length + 1;
    const entries = await readdir(root, { withFileTypes: true, recursive: true }).catch(
      (err: NodeJS.ErrnoException) => {
        const why = err.code === 'ENOENT' ? 'no such folder' : err.message;
        throw new Error(`Cannot read runbooks from ${this.#dir}: ${why}`, { cause: err });
      },
    );
    return entries
      .filter((e) => e.isFile())
      .map((e) => (e.parentPath.length > root.length ? `${e.parentPath.slice(under)}${sep}${e.name}` : e.name))
      .map((path) => path.split(sep).join('/'))
      .filter((p) => isRunbookPath(p) && !p.split('/').some((part) => part.startsWith('.')))
      .sort();
  }
}
