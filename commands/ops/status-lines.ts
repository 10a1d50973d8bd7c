import { envelopeOf, outcomeSummary } from '../../src/core/changes/request-envelope.ts';
import { formatTime, shortSha } from '../../src/core/format.ts';
import { bold, code, emoji, link, mention, t, type Text } from '../../src/core/text.ts';
import type { Backends, RunningVersion } from '../../src/ports/backends.ts';
import type { RequestStore, StoredRequest } from '../../src/ports/store.ts';

/** The kinds of change status reports on, each with the last one that ran. */
const KINDS = [
  { kind: 'deploy', label: 'Last deploy:' },
  { kind: 'rollback', label: 'Last rollback:' },
  { kind: 'scale', label: 'Last scale:' },
] as const;

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/** What the change set, from its stored parameters: `v1.4.2 (abc1234)`, `to revision 7`, `to 6 replicas`. */
function subject(request: StoredRequest): Text {
  const exec = record(envelopeOf(request).exec);
  if (request.kind === 'deploy' && typeof exec.ref === 'string') {
    return typeof exec.sha === 'string' ? t`${code(exec.ref)} (${shortSha(exec.sha)})` : t`${code(exec.ref)}`;
  }
  const plan = record(exec.plan);
  if (request.kind === 'rollback' && typeof plan.to === 'string') return t`to ${plan.to}`;
  if (request.kind === 'scale' && typeof exec.replicas === 'number') return t`to ${exec.replicas} replicas`;
  return envelopeOf(request).title;
}

/** How it ended: a failed deploy that rolled itself back says so, and why it failed. */
function ending(request: StoredRequest): Text {
  if (request.state === 'succeeded') return t`${emoji('white_check_mark')} succeeded`;
  const why = outcomeSummary(request);
  const how = request.outcome?.rolledBack === true ? 'failed, rolled back automatically' : 'failed';
  return why ? t`${emoji('x')} ${how}: ${why}` : t`${emoji('x')} ${how}`;
}

/** One line per kind of change that ever ran on the target: what, who, when, and how it ended. */
export async function lastChanges(
  requests: Pick<RequestStore, 'listRequests'>,
  service: string,
  env: string,
): Promise<Text[]> {
  const last = await Promise.all(
    KINDS.map(({ kind }) =>
      requests.listRequests({
        service,
        env,
        kinds: [kind],
        states: ['succeeded', 'failed'],
        newestFirst: true,
        limit: 1,
      }),
    ),
  );
  return KINDS.flatMap(({ label }, i) => {
    const request = last[i]?.[0];
    if (!request) return [];
    const who = t`by ${mention(request.requester)} at ${formatTime(request.updatedAt)}`;
    return [t`${bold(label)} ${subject(request)} ${who}: ${ending(request)}`];
  });
}

/**
 * Where what runs stands against the repository's default branch, with a link to the diff: `3 commits behind
 * main (compare)`. Undefined when the service has no repository, nothing is known to run, or GitHub cannot say.
 */
export async function againstDefaultBranch(
  backends: Pick<Backends, 'sourceControl'>,
  github: { repo: string; defaultRef: string } | undefined,
  running: RunningVersion | undefined,
): Promise<Text | undefined> {
  const base = running?.sha ?? running?.ref;
  if (!github || !backends.sourceControl || !base || base === github.defaultRef) return undefined;
  const diff = await backends.sourceControl.compare(github.repo, base, github.defaultRef).catch(() => undefined);
  if (!diff) return undefined;
  const branch = github.defaultRef;
  const n = (count: number) => `${count} commit${count === 1 ? '' : 's'}`;
  const where =
    diff.aheadBy === 0 && diff.behindBy === 0
      ? `the head of ${branch}`
      : diff.behindBy === 0
        ? `${n(diff.aheadBy)} behind ${branch}`
        : diff.aheadBy === 0
          ? `${n(diff.behindBy)} ahead of ${branch}`
          : `${n(diff.aheadBy)} behind and ${n(diff.behindBy)} ahead of ${branch}`;
  return t`${where} (${link(diff.url, 'compare')})`;
}
