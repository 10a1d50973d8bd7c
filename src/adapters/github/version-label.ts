export const shortSha = (sha: string): string => sha.slice(0, 7);

/** `v1.4.2 (abc1234)`; just the short sha when the ref is that commit, just the ref when no sha is known. */
export function versionLabel(ref: string | undefined, sha: string | undefined): string {
  if (sha === undefined) return ref ?? 'unknown version';
  const isThatCommit = ref !== undefined && /^[0-9a-f]{7,40}$/i.test(ref) && sha.startsWith(ref.toLowerCase());
  if (ref === undefined || ref === '' || isThatCommit) return shortSha(sha);
  return `${ref} (${shortSha(sha)})`;
}

/** `2026-05-01 14:03 UTC`: unambiguous for a team spread over time zones. */
export const formatMoment = (iso: string): string =>
  `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function formatDuration(ms: number): string {
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/** Keeps within GitHub's 140-character limit on deployment and status descriptions. */
export const clip = (text: string, max = 140): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
