import { UserError } from '../../core/errors.ts';
import type { Logger } from '../../ports/logger.ts';
import { type ManifestCommit, type ManifestsRepo, StaleFile } from './manifests-repo.ts';
import { describeLocation, readTag, type TagLocation, writeTag } from './tag-location.ts';

/** Attempts at one write: a file edited by others several times in a row while we write is refused. */
export const WRITE_ATTEMPTS = 3;

export interface TagChange {
  path: string;
  branch: string;
  location: TagLocation;
  /** The tag the change was planned against; undefined: whatever the first read finds. */
  from: string | undefined;
  to: string;
  /** The commit message, given the tag being replaced. */
  message: (from: string) => string;
}

export type TagCommitResult =
  | { written: true; from: string; commit: ManifestCommit; attempts: number }
  /** The file already had the tag: nothing to commit. */
  | { written: false; from: string };

/**
 * Replaces the tag with one commit, with optimistic concurrency on the file's blob sha. When the file
 * changed between read and write (409), it is read again: if the tag is still the one this change
 * replaces, the edit is made again on the new content (the other edit kept); if someone changed the
 * tag, the change is refused. Nothing is ever overwritten.
 */
export async function commitTag(repo: ManifestsRepo, change: TagChange, log: Logger): Promise<TagCommitResult> {
  const { path, branch, location, to } = change;
  let expected = change.from;
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const file = await repo.read(path, branch);
    const now = readTag(file.text, location, path).tag;
    expected ??= now;
    if (now !== expected) {
      if (now === to) return { written: false, from: now };
      throw new UserError(
        `${describeLocation(location)} in ${repo.name.fullName}/${path} on ${branch} is now ${now}, not ${expected}: ` +
          'someone changed it since this change was planned. Nothing was written; check the file and plan it again.',
      );
    }
    if (now === to) return { written: false, from: now };
    const text = writeTag(file.text, location, path, to);
    try {
      const commit = await repo.write(path, branch, { text, blobSha: file.blobSha }, change.message(now));
      return { written: true, from: now, commit, attempts: attempt };
    } catch (error) {
      if (!(error instanceof StaleFile)) throw error;
      log.warn({ path, branch, attempt }, 'manifest changed while writing the tag; reading it again');
    }
  }
  throw new UserError(
    `${repo.name.fullName}/${path} on ${branch} changed ${WRITE_ATTEMPTS} times while opsdeck tried to write it. ` +
      'Nothing was written; try again when it settles.',
  );
}
