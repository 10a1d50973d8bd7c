import type { Repository } from './repository.ts';

/** A file or directory at a commit, as the contents API describes it. */
export interface FileEntry {
  type: 'file';
  path: string;
  text: string;
}
export type ContentEntry = FileEntry | { type: 'dir'; path: string };

/**
 * File trees per commit. Only commits made by `write` carry a snapshot; any other commit sees the tree of
 * its nearest ancestor that has one, so seeded history without files reads as an empty repository.
 */
export class ContentStore {
  readonly #trees = new Map<string, ReadonlyMap<string, string>>();

  /** Commits `changes` (path → text, or null to delete) on top of `branch`; returns the new sha. */
  write(
    repo: Repository,
    branch: string,
    changes: Readonly<Record<string, string | null>>,
    commit: { message: string; author?: string | undefined; date: number },
  ): string {
    const head = repo.branches.get(branch);
    if (head === undefined) throw new Error(`writeFiles: ${repo.fullName} has no branch ${branch}`);
    const tree = new Map(this.treeAt(repo, head));
    for (const [path, text] of Object.entries(changes)) {
      const clean = normalize(path);
      if (clean === '') throw new Error(`writeFiles: empty path in ${repo.fullName}`);
      if (text === null) tree.delete(clean);
      else tree.set(clean, text);
    }
    const { sha } = repo.commit(branch, { message: commit.message, author: commit.author }, commit.date, head);
    this.#trees.set(sha, tree);
    return sha;
  }

  treeAt(repo: Repository, sha: string): ReadonlyMap<string, string> {
    for (const c of repo.history(sha)) {
      const tree = this.#trees.get(c.sha);
      if (tree) return tree;
    }
    return new Map();
  }

  /** The file at `path`, or the directory's children sorted by name; undefined when nothing is there. */
  lookup(repo: Repository, sha: string, path: string): FileEntry | ContentEntry[] | undefined {
    const tree = this.treeAt(repo, sha);
    const clean = normalize(path);
    const text = tree.get(clean);
    if (text !== undefined) return { type: 'file', path: clean, text };
    const prefix = clean === '' ? '' : `${clean}/`;
    const children = new Map<string, ContentEntry>();
    for (const [file, body] of tree) {
      if (!file.startsWith(prefix)) continue;
      const [name = '', ...deeper] = file.slice(prefix.length).split('/');
      const child = `${prefix}${name}`;
      children.set(child, deeper.length ? { type: 'dir', path: child } : { type: 'file', path: child, text: body });
    }
    if (children.size === 0) return clean === '' ? [] : undefined;
    return [...children.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  clear(): void {
    this.#trees.clear();
  }
}

const normalize = (path: string): string =>
  path
    .split('/')
    .filter((s) => s !== '')
    .join('/');
