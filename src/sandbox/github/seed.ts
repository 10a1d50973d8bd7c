import { Repository, type CommitRecord, type CommitSpec } from './repository.ts';

export interface BranchSeed {
  /** Where the branch starts: an index into the default branch's seeded commits or a ref; default its tip. */
  readonly from?: number | string;
  readonly commits?: number | readonly CommitSpec[];
}

export interface SeedRepoOptions {
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch?: string;
  /** Commits on the default branch, oldest first: a count (generated messages) or explicit specs. */
  readonly commits: number | readonly CommitSpec[];
  /** Tag name → index into the default branch's seeded commits, or any ref (e.g. a seeded branch). */
  readonly tags?: Readonly<Record<string, number | string>>;
  readonly branches?: Readonly<Record<string, BranchSeed>>;
}

const specs = (commits: number | readonly CommitSpec[], message: (i: number) => string): readonly CommitSpec[] =>
  typeof commits === 'number' ? Array.from({ length: commits }, (_, i) => ({ message: message(i) })) : commits;

function pick(repo: Repository, line: readonly CommitRecord[], at: number | string, what: string): string {
  const sha = typeof at === 'number' ? line[at]?.sha : repo.resolve(at)?.sha;
  if (sha === undefined) throw new Error(`seedRepo ${repo.fullName}: ${what} points at unknown commit ${String(at)}`);
  return sha;
}

export function seedRepository(options: SeedRepoOptions, id: number, now: number): Repository {
  const defaultBranch = options.defaultBranch ?? 'main';
  const repo = new Repository({ id, owner: options.owner, name: options.name, defaultBranch, createdAt: now });
  const mainSpecs = specs(options.commits, (i) => (i === 0 ? 'Initial commit' : `Change ${i + 1}`));
  if (mainSpecs.length === 0) throw new Error(`seedRepo ${repo.fullName}: needs at least one commit`);
  const line = mainSpecs.map((spec) => repo.commit(defaultBranch, spec, now));
  for (const [branch, seed] of Object.entries(options.branches ?? {})) {
    let parent = pick(repo, line, seed.from ?? line.length - 1, `branch ${branch}`);
    repo.branches.set(branch, parent);
    for (const spec of specs(seed.commits ?? 0, (i) => `${branch}: Change ${i + 1}`)) {
      parent = repo.commit(branch, spec, now, parent).sha;
    }
  }
  for (const [tag, at] of Object.entries(options.tags ?? {})) repo.tags.set(tag, pick(repo, line, at, `tag ${tag}`));
  return repo;
}
