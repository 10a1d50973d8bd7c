import type { Clock } from '../../ports/clock.ts';
import type { RequestStore } from '../../ports/store.ts';
import { type AuditLog, SYSTEM_ACTOR } from '../audit-log.ts';
import { code, emoji, mention, t } from '../text.ts';
import type { RequestBoard } from './request-board.ts';
import { envelopeOf, outcomeOf } from './request-envelope.ts';

/**
 * Requests whose process died mid-run (no heartbeat for `staleMs`), or that were approved but never
 * started, end as failed and say so: the change may be partly applied. Every replica sweeps; the
 * compare-and-set makes each recovery happen once.
 */
export async function recoverInterrupted(
  deps: { requests: RequestStore; clock: Clock; audit: AuditLog; board: RequestBoard },
  staleMs: number,
): Promise<number> {
  const { requests, clock, audit, board } = deps;
  const cutoff = clock.now().getTime() - staleMs;
  let recovered = 0;
  for (const req of await requests.listRequests({ states: ['running', 'approved'] })) {
    if ((req.heartbeatAt ?? req.updatedAt).getTime() > cutoff) continue;
    const status = code(`/ops status ${req.service} ${req.env}`);
    const summary =
      req.state === 'running'
        ? t`Interrupted: opsdeck stopped while this was running, so it may be partly applied. Check ${status}.`
        : t`Interrupted: approved, but opsdeck stopped before it started. Nothing was changed; run the command again.`;
    const failed = await requests.transitionRequest(
      req.id,
      [req.state],
      'failed',
      { outcome: outcomeOf(summary) },
      clock.now(),
    );
    if (!failed) continue;
    recovered++;
    await audit.record({
      actor: SYSTEM_ACTOR,
      action: `${req.kind}.interrupted`,
      target: failed,
      requestId: failed.id,
      details: { title: envelopeOf(failed).title, runner: req.runner, lastHeartbeat: req.heartbeatAt?.toISOString() },
    });
    await board.refresh(failed);
    await board.tell(failed, t`${mention(req.requester)} ${emoji('warning')} ${summary}`);
  }
  return recovered;
}
