import type { Backends } from '../../ports/backends.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RequestStore, StoredRequest } from '../../ports/store.ts';
import { type AuditLog, SYSTEM_ACTOR } from '../audit-log.ts';
import { code, concat, emoji, mention, plainText, t, type Text } from '../text.ts';
import type { ChangeKind } from './define-change.ts';
import type { RequestBoard } from './request-board.ts';
import { envelopeOf, outcomeOf } from './request-envelope.ts';

export interface RecoveryDeps {
  requests: RequestStore;
  clock: Clock;
  audit: AuditLog;
  board: RequestBoard;
  backends: Backends;
  kinds: Readonly<Record<string, ChangeKind>>;
  log: Logger;
  /** This process, as the holder of the leases it takes over. */
  runner: string;
  /** Whether this process is running a change now: those are left alone, whatever their lease says. */
  runningHere(id: string): boolean;
  /** How long a lease taken over lasts: long enough to read what runs and report. */
  leaseMs: number;
}

/**
 * Changes whose replica stopped (its lease ran out by the store's clock) are taken over, what runs on
 * their target is read, and they end as failed, saying so in the thread and the audit log: the change
 * may be partly applied. Requests approved but never started (left so for `approvedStaleMs`) fail too.
 * Every replica may try; the takeover and the compare-and-set make each recovery happen once.
 */
export async function recoverInterrupted(deps: RecoveryDeps, approvedStaleMs: number): Promise<number> {
  const { requests, clock } = deps;
  let recovered = 0;
  for (const req of await requests.listRequests({ states: ['running'] })) {
    if (deps.runningHere(req.id)) continue;
    const taken = await requests.takeOverRun(req.id, deps.runner, deps.leaseMs, clock.now());
    if (!taken) continue;
    const runningNow = await readRunningNow(deps, taken.request);
    const status = code(`/ops status ${req.service} ${req.env}`);
    const summary = concat(
      t`Interrupted: the replica running this stopped. Running now: ${runningNow}. `,
      t`The change may be partly applied; check ${status}.`,
    );
    const failed = await requests.finishRun(req.id, taken.token, 'failed', outcomeOf(summary), clock.now());
    if (!failed) {
      deps.log.warn(
        { requestId: req.id, token: taken.token },
        'another replica took this change over before it was reported',
      );
      continue;
    }
    recovered++;
    await report(deps, failed, summary, {
      runner: req.runner,
      token: taken.token,
      runningNow: plainText(runningNow),
    });
  }
  for (const req of await requests.listRequests({ states: ['approved'], idleForMs: approvedStaleMs })) {
    const summary = concat(
      'Interrupted: approved, but opsdeck stopped before it started. ',
      'Nothing was changed; run the command again.',
    );
    const failed = await requests.transitionRequest(
      req.id,
      ['approved'],
      'failed',
      { outcome: outcomeOf(summary) },
      clock.now(),
    );
    if (!failed) continue;
    recovered++;
    await report(deps, failed, summary, {});
  }
  return recovered;
}

async function report(
  deps: RecoveryDeps,
  failed: StoredRequest,
  summary: Text,
  details: Record<string, unknown>,
): Promise<void> {
  await deps.audit.record({
    actor: SYSTEM_ACTOR,
    action: `${failed.kind}.interrupted`,
    target: failed,
    requestId: failed.id,
    details: { title: envelopeOf(failed).title, ...details },
  });
  await deps.board.refresh(failed);
  await deps.board.tell(failed, t`${mention(failed.requester)} ${emoji('warning')} ${summary}`);
}

/** What runs on the change's target now, in the terms its plan used, or why that could not be read. */
async function readRunningNow(deps: RecoveryDeps, request: StoredRequest): Promise<Text> {
  const kind = deps.kinds[request.kind];
  if (!kind?.readBasis) return 'unknown (this kind of change cannot read it)';
  try {
    return t`${code(await kind.readBasis({ request, backends: deps.backends }))}`;
  } catch (err) {
    deps.log.warn({ err, requestId: request.id }, 'could not read what runs on an interrupted change');
    return t`unknown (${(err as Error).message})`;
  }
}
