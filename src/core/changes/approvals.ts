import type { Clock } from '../../ports/clock.ts';
import type { ChangeMetrics } from '../../ports/metrics.ts';
import type { LockStore, RequestStore, StoredRequest } from '../../ports/store.ts';
import { type Action, type ActionContext, defineAction } from '../action.ts';
import { type AuditEvent, type AuditLog, SYSTEM_ACTOR } from '../audit-log.ts';
import type { Catalog } from '../catalog.ts';
import { AuditedRefusal, UserError } from '../errors.ts';
import { checkGuards } from '../guards.ts';
import { textMessage } from '../message.ts';
import { code, concat, join, mention, plainText, t, type Text } from '../text.ts';
import type { ChangeFlow } from './change-flow.ts';
import { secondsSince } from './outcomes.ts';
import type { RequestBoard } from './request-board.ts';
import { envelopeOf, outcomeOf, requestHash } from './request-envelope.ts';
import { ACTION_APPROVE, ACTION_CANCEL, ACTION_REJECT } from './request-view.ts';
import type { Supersession } from './supersession.ts';

// A rejection's reason is a sentence or two; the modal asks for at most this much.
export const MAX_REASON = 500;

/** What approving needs, and nothing more: the change flow only to run what was approved. */
export interface ApprovalsDeps {
  requests: RequestStore;
  locks: LockStore;
  clock: Clock;
  catalog: Catalog;
  audit: AuditLog;
  board: RequestBoard;
  supersession: Pick<Supersession, 'staleness' | 'supersede' | 'gateRefusal' | 'refuseByGates'>;
  flow: Pick<ChangeFlow, 'run'>;
  /** What became of changes, for the outcome metrics. */
  outcomes?: ChangeMetrics | undefined;
}

/**
 * The buttons on a request. Nothing in the click is trusted but the request id: state, expiry,
 * roles and the request's integrity are all checked again here, at click time.
 */
export class Approvals {
  readonly #deps: ApprovalsDeps;

  constructor(deps: ApprovalsDeps) {
    this.#deps = deps;
  }

  /** The request buttons; they need no capabilities beyond this object's own declared deps. */
  actions(): Action[] {
    return [
      defineAction({ actionId: ACTION_APPROVE, handler: (ctx) => this.approve(ctx) }),
      defineAction({ actionId: ACTION_REJECT, handler: (ctx) => this.reject(ctx) }),
      defineAction({ actionId: ACTION_CANCEL, handler: (ctx) => this.cancel(ctx) }),
    ];
  }

  async approve({ click, roles, unverified }: ActionContext): Promise<void> {
    const { requests, clock, catalog } = this.#deps;
    const req = await this.#pending(click.value);
    const policy = catalog.environments[req.env]?.approval;
    if (!policy) throw new UserError('This request does not need approval.');
    const roleNames = join(policy.from.map(code), ' or ');
    if (click.userId === req.requester) {
      await this.#audit(click.userId, 'approval.denied', req, { reason: 'own request', roles });
      throw new AuditedRefusal(t`You can't approve your own request; it needs someone else with role ${roleNames}.`);
    }
    if (!roles.some((r) => policy.from.includes(r))) {
      if (unverified.some((r) => policy.from.includes(r))) {
        await this.#audit(click.userId, 'approval.denied', req, {
          reason: 'roles could not be verified',
          roles,
          unverified,
        });
        throw new AuditedRefusal(
          'Not approved: could not verify your roles (Slack user groups did not answer). Try again in a moment.',
        );
      }
      await this.#audit(click.userId, 'approval.denied', req, {
        reason: `needs role ${policy.from.join(' or ')}`,
        roles,
      });
      const have = roles.length ? t`you have ${join(roles.map(code), ', ')}` : 'you have no opsdeck role';
      throw new AuditedRefusal(t`Approving changes to ${code(req.env)} needs role ${roleNames} (${have}).`);
    }
    await this.#checkIntegrity(req, click.userId);
    if (!envelopeOf(req).forced) {
      const guard = await checkGuards({
        store: this.#deps.locks,
        catalog,
        now: clock.now(),
        service: req.service,
        env: req.env,
        actor: req.requester,
        force: false,
        canBreakGlass: false,
      });
      if (guard.blocked) {
        await this.#audit(click.userId, 'approval.denied', req, { reason: plainText(guard.blocked), roles });
        throw new AuditedRefusal(t`Not approved: ${join(guard.reasons, '; ')}.`);
      }
    }
    await this.#checkStillCurrent(req, click.userId);
    // The unique insert decides a double click; the audit entry follows, and without it the approval is taken back.
    if (!(await requests.addApproval({ requestId: req.id, approver: click.userId, at: clock.now() }))) {
      throw new UserError('You have already approved this request.');
    }
    if (!(await this.#audit(click.userId, 'approval.granted', req, { roles }))) {
      await requests.removeApproval(req.id, click.userId);
      throw new UserError('Not approved: the audit log cannot be written right now. Try again in a moment.');
    }
    const count = (await requests.listApprovals(req.id)).length;
    if (count < policy.required) {
      await this.#deps.board.refresh(req);
      await click.reply.ephemeral(textMessage(`Approved (${count} of ${policy.required}).`));
      return;
    }
    // The last approval lets it run: what it had to pass when it was made (CI, promotion) must still hold.
    await this.#checkGatesStillPass(req, click.userId);
    const approved = await requests.transitionRequest(req.id, ['pending'], 'approved', undefined, clock.now());
    if (approved) {
      this.#deps.outcomes?.approvalDecided(req.env, 'approved', secondsSince(req.createdAt, clock));
      return this.#deps.flow.run(approved);
    }
    const now = await requests.getRequest(req.id);
    if (now?.state !== 'approved' && now?.state !== 'running') {
      await click.reply.ephemeral(
        textMessage(`Your approval came too late: the request is already ${now?.state ?? 'gone'}.`),
      );
    }
  }

  async reject({ click, roles, unverified }: ActionContext): Promise<void> {
    const { requests, clock, catalog } = this.#deps;
    const req = await this.#pending(click.value);
    const from = catalog.environments[req.env]?.approval?.from ?? [];
    if (!roles.some((r) => from.includes(r))) {
      if (unverified.some((r) => from.includes(r)))
        throw new UserError('Could not verify your roles (Slack user groups did not answer). Try again in a moment.');
      const own = click.userId === req.requester ? ' Use Cancel to withdraw your own request.' : '';
      throw new UserError(t`Rejecting needs role ${join(from.map(code), ' or ')}.${own}`);
    }
    // The reason is the rejecter's own words: shown as text on the request and kept in the audit entry.
    const reason = click.input?.trim().slice(0, MAX_REASON) || undefined;
    const done = await requests.transitionRequest(
      req.id,
      ['pending'],
      'rejected',
      { outcome: reason ? outcomeOf(reason, { by: click.userId }) : { by: click.userId } },
      clock.now(),
    );
    if (!done) throw new UserError('This request was already decided.');
    this.#deps.outcomes?.approvalDecided(done.env, 'rejected', secondsSince(req.createdAt, clock));
    this.#deps.outcomes?.changeEnded(done.kind, done.env, 'rejected');
    await this.#audit(click.userId, 'approval.rejected', done, { roles, ...(reason ? { reason } : {}) });
    await this.#deps.board.refresh(done);
  }

  async cancel({ click }: ActionContext): Promise<void> {
    const { requests, clock } = this.#deps;
    const req = await this.#pending(click.value);
    if (click.userId !== req.requester) throw new UserError(t`Only ${mention(req.requester)} can cancel this request.`);
    const done = await requests.transitionRequest(
      req.id,
      ['pending'],
      'cancelled',
      { outcome: { by: click.userId } },
      clock.now(),
    );
    if (!done) throw new UserError('This request was already decided.');
    await this.#audit(click.userId, 'request.cancelled', done, {});
    await this.#deps.board.refresh(done);
  }

  /** Expires every pending request past its deadline; run periodically by every replica (idempotent). */
  async expireDue(): Promise<number> {
    const { requests, clock } = this.#deps;
    const now = clock.now();
    let expired = 0;
    for (const req of await requests.listRequests({ states: ['pending'] })) {
      if (req.expiresAt && req.expiresAt.getTime() <= now.getTime() && (await this.#expire(req))) expired++;
    }
    return expired;
  }

  async #expire(req: StoredRequest): Promise<boolean> {
    const done = await this.#deps.requests.transitionRequest(
      req.id,
      ['pending'],
      'expired',
      undefined,
      this.#deps.clock.now(),
    );
    if (!done) return false;
    this.#deps.outcomes?.changeEnded(done.kind, done.env, 'expired');
    await this.#audit(SYSTEM_ACTOR, 'request.expired', done, {});
    await this.#deps.board.refresh(done);
    return true;
  }

  async #pending(id: string): Promise<StoredRequest> {
    const req = /^req_[A-Za-z0-9_-]+$/.test(id) ? await this.#deps.requests.getRequest(id) : undefined;
    if (!req) throw new UserError('This request no longer exists.');
    if (req.state === 'pending' && req.expiresAt && req.expiresAt.getTime() <= this.#deps.clock.now().getTime()) {
      await this.#expire(req);
      throw new UserError(
        'This request has expired; nothing was changed. Run the command again if it is still needed.',
      );
    }
    if (req.state !== 'pending') throw new UserError(`This request is already ${req.state}.`);
    return req;
  }

  /**
   * A request planned against what ran then must not be approved into something else: after a newer
   * change ran, approving an old deploy would silently go back to an older version.
   */
  async #checkStillCurrent(req: StoredRequest, actor: string): Promise<void> {
    let stale: Text | undefined;
    try {
      stale = await this.#deps.supersession.staleness(req);
    } catch (err) {
      const said = (err as Error).message;
      throw new UserError(
        concat(
          t`Not approved: could not read what runs in ${code(req.env)} now to check this request still applies `,
          `(${said}). Try again in a moment.`,
        ),
      );
    }
    if (!stale) return;
    const summary = t`Superseded: ${stale}.`;
    await this.#deps.supersession.supersede(req, actor, summary, { by: actor });
    throw new AuditedRefusal(
      t`Not approved: ${stale}. The request is marked superseded; run the command again to plan against what runs now.`,
    );
  }

  /**
   * Checks the request's gates again once it has all its approvals, before it runs. A refusal ends it as
   * failed, naming the check; checks that cannot be read take this approval back, to be given again.
   */
  async #checkGatesStillPass(req: StoredRequest, approver: string): Promise<void> {
    let refused: Text | undefined;
    try {
      refused = await this.#deps.supersession.gateRefusal(req);
    } catch (err) {
      await this.#deps.requests.removeApproval(req.id, approver);
      const why = (err as Error).message;
      const audited = await this.#audit(approver, 'approval.withdrawn', req, { reason: why });
      const text = t`Not approved: ${why}, so this request cannot be checked before it runs. Try again in a moment.`;
      // Unaudited, the refusal goes through the generic path, which audits it as a refused click.
      throw audited ? new AuditedRefusal(text) : new UserError(text);
    }
    if (!refused) return;
    if (await this.#deps.supersession.refuseByGates(req, approver, refused)) {
      this.#deps.outcomes?.changeEnded(req.kind, req.env, 'failed');
    }
    const again = 'request it again once the checks pass';
    throw new AuditedRefusal(
      t`Approved, but not run: ${refused}. The request is marked failed and nothing was changed; ${again}.`,
    );
  }

  /** The stored request must still be exactly what was asked for; anything else is tampering. */
  async #checkIntegrity(req: StoredRequest, actor: string): Promise<void> {
    const p = envelopeOf(req);
    if (requestHash(req.kind, req.service, req.env, p) === req.hash) return;
    await this.#audit(actor, 'request.tampered', req, { expected: req.hash });
    const failed = await this.#deps.requests.transitionRequest(
      req.id,
      ['pending'],
      'failed',
      { outcome: outcomeOf('Refused: the stored request no longer matches what was requested.') },
      this.#deps.clock.now(),
    );
    if (failed) await this.#deps.board.refresh(failed);
    throw new UserError('This request was altered after it was made, so it cannot be approved. Nothing was changed.');
  }

  async #audit(actor: string, action: string, req: StoredRequest, details: Record<string, unknown>): Promise<boolean> {
    const event: AuditEvent = {
      actor,
      action,
      target: req,
      requestId: req.id,
      details: { ...details, title: envelopeOf(req).title },
    };
    return this.#deps.audit.record(event);
  }
}
