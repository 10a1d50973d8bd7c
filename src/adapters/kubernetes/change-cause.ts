import type { DeployInput } from '../../ports/backends.ts';

/**
 * The `kubernetes.io/change-cause` text `kubectl rollout history` shows for a deploy:
 * `opsdeck: alice deployed v1.4.2 (3f2a9c1) — hotfix [req-123]`, leaving out what is unknown.
 */
export function deployCause(input: DeployInput): string {
  const sha = input.sha && !input.sha.startsWith(input.ref) ? ` (${input.sha.slice(0, 7)})` : '';
  const reason = input.reason ? ` — ${input.reason}` : '';
  return `opsdeck: ${input.requester} deployed ${input.ref}${sha}${reason} [${input.requestId}]`;
}

/** For a rollback a person asked for, or (`automatic`) one opsdeck made after their rollout failed. */
export function rollbackCause(requester: string, revision: number, requestId: string, automatic: boolean): string {
  return automatic
    ? `opsdeck: rolled back to revision ${revision} after ${requester}'s rollout failed [${requestId}]`
    : `opsdeck: ${requester} rolled back to revision ${revision} [${requestId}]`;
}
