import type { TagEdit } from './apply-change.ts';

/** Who asked and who agreed, carried into the manifests commit. */
export interface ChangeMeta {
  requester: string;
  approvers: readonly string[];
  requestId: string;
}

export interface CommitMessageInput {
  /** `Deploy`, `Roll back`, `Revert`. */
  action: string;
  service: string;
  env: string;
  ref: string;
  sha: string | undefined;
  from: string;
  to: string;
  file: string;
  meta: ChangeMeta;
  /** Why, for automatic reverts and reasons given with the request. */
  why?: string | undefined;
}

/**
 * The commit message of a tag change: a subject naming service, environment and version, then one
 * trailer-style line per fact, so `git log` in the manifests repo answers who, what and on whose approval.
 */
export function commitMessage(input: CommitMessageInput): string {
  const { action, service, env, ref, sha, meta } = input;
  const version = sha && !sha.startsWith(ref) ? `${ref} (${sha.slice(0, 7)})` : ref;
  const subject = `${action} ${service} to ${version} in ${env}`;
  const lines = [
    `Service: ${service}`,
    `Environment: ${env}`,
    `Ref: ${ref}`,
    ...(sha ? [`Commit: ${sha}`] : []),
    `Image tag: ${input.from} -> ${input.to} in ${input.file}`,
    `Requested-by: ${meta.requester}`,
    `Approved-by: ${meta.approvers.length ? meta.approvers.join(', ') : 'none (no approval required)'}`,
    `Opsdeck-Request: ${meta.requestId}`,
  ];
  return [subject, '', ...(input.why ? [input.why, ''] : []), ...lines, ''].join('\n');
}

/**
 * The edit of one change: `Deploy billing to v2.4.0 in prod` as pull request title and commit subject, the
 * message naming the tag it replaces once that is read, and the pull request branch's suffix.
 */
export function tagEdit(
  input: Omit<CommitMessageInput, 'from'> & { from: string | undefined; suffix: string },
): TagEdit {
  const { from, suffix, ...rest } = input;
  return {
    from,
    to: input.to,
    title: `${input.action} ${input.service} to ${input.to} in ${input.env}`,
    message: (was) => commitMessage({ ...rest, from: was }),
    suffix,
  };
}
