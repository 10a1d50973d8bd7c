import { createHash } from 'node:crypto';
import type { CommitRecord, CommitSpec, Repository } from './repository.ts';

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

  /** Commits `changes` (path → text, or null to delete) on top of `branch`; returns the new commit. */
  write(
    repo: Repository,
    branch: string,
    changes: Readonly<Record<string, string | null>>,
    commit: CommitSpec & { date: number },
  ): CommitRecord {
    const head = repo.branches.get(branch);
    if (head === undefined) throw new Error(`writeFiles: ${repo.fullName} has no branch ${branch}`);
    const tree = new Map(this.treeAt(repo, head));
    for (const [path, text] of Object.entries(changes)) {
      const clean = normalize(path);
      if (clean === '') throw new Error(`writeFiles: empty path in ${repo.fullName}`);
      if (text === null) tree.delete(clean);
      else tree.set(clean, text);
    }
    return this.commitTree(repo, branch, tree, commit);
  }

  /** Commits a whole tree on top of `branch` (a merge passes its second parent in the spec). */
  commitTree(
    repo: Repository,
    branch: string,
    tree: ReadonlyMap<string, string>,
    commit: CommitSpec & { date: number },
  ): CommitRecord {
    const record = repo.commit(branch, commit, commit.date, repo.branches.get(branch));
    this.#trees.set(record.sha, new Map(tree));
    return record;
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

/** Git's blob id, so clients comparing shas see what real GitHub would send. */
export const blobSha = (text: string): string => {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
};

export const normalize = (path: string): string =>
  path
    .split('/')
    .filter((s) => s !== '')
    .join('/');
