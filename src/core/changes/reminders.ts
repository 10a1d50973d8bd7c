import type { Clock } from '../../ports/clock.ts';
import type { ReviewStore } from '../../ports/review-store.ts';
import type { RequestStore } from '../../ports/store.ts';
import { type AuditLog, SYSTEM_ACTOR } from '../audit-log.ts';
import { formatTime } from '../format.ts';
import { emoji, type Inline, join, t } from '../text.ts';
import type { RequestBoard } from './request-board.ts';
import { envelopeOf } from './request-envelope.ts';

export interface RemindersDeps {
  requests: Pick<RequestStore, 'listRequests'>;
  reminders: Pick<ReviewStore, 'claimReminder'>;
  clock: Clock;
  audit: AuditLog;
  board: Pick<RequestBoard, 'tell'>;
  /** Everyone who can approve changes to `env`, to mention. */
  approvers(env: string): Promise<Inline[]>;
}

/**
 * Re-pings the approvers of each request still pending halfway to its expiry, once: the claim is the
 * store's, so a sweep on another replica, or the next round, never pings twice.
 */
export async function remindDue(deps: RemindersDeps): Promise<number> {
  const now = deps.clock.now().getTime();
  let reminded = 0;
  for (const req of await deps.requests.listRequests({ states: ['pending'] })) {
    if (!req.expiresAt || envelopeOf(req).direct) continue;
    const halfway = req.createdAt.getTime() + (req.expiresAt.getTime() - req.createdAt.getTime()) / 2;
    if (now < halfway || now >= req.expiresAt.getTime()) continue;
    if (!(await deps.reminders.claimReminder(req.id, new Date(now)))) continue;
    reminded++;
    await deps.audit.record({
      actor: SYSTEM_ACTOR,
      action: 'approval.reminded',
      target: req,
      requestId: req.id,
      details: { title: envelopeOf(req).title, expiresAt: req.expiresAt.toISOString() },
    });
    const who = await deps.approvers(req.env).catch(() => []);
    const ask = who.length ? t`${join(who, ' ')}: ` : '';
    const expires = formatTime(req.expiresAt);
    const text = t`${emoji('hourglass_flowing_sand')} ${ask}this still waits for approval; it expires at ${expires}.`;
    await deps.board.tell(req, text);
  }
  return reminded;
}
