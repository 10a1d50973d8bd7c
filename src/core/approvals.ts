import type { ActionContext, ActionSpec } from './action.ts';
import { paramsOf, requestHash } from './change.ts';
import type { ChangeFlow } from './change-flow.ts';
import { AuditedRefusal, UserError } from './errors.ts';
import { userText } from './format.ts';
import { checkGuards } from './guards.ts';
import { textMessage } from './message.ts';
import { ACTION_APPROVE, ACTION_CANCEL, ACTION_REJECT } from './request-view.ts';
import type { StoredRequest } from '../ports/store.ts';

const SYSTEM_ACTOR = 'opsdeck';

/**
 * The buttons on a request. Nothing in the click is trusted but the request id: state, expiry,
 * roles and the request's integrity are all checked again here, at click time.
 */
export class Approvals {
  readonly #flow: ChangeFlow;

  constructor(flow: ChangeFlow) {
    this.#flow = flow;
  }

  actions(): ActionSpec[] {
    return [
      { actionId: ACTION_APPROVE, handler: (ctx) => this.approve(ctx) },
      { actionId: ACTION_REJECT, handler: (ctx) => this.reject(ctx) },
      { actionId: ACTION_CANCEL, handler: (ctx) => this.cancel(ctx) },
    ];
  }

  async approve({ click, roles, unverified }: ActionContext): Promise<void> {
    const { store, clock, catalog } = this.#flow.deps;
    const req = await this.#pending(click.value);
    const policy = catalog.environments[req.env]?.approval;
    if (!policy) throw new UserError('This request does not need approval.');
    const roleNames = policy.from.map((r) => `\`${r}\``).join(' or ');
    if (click.userId === req.requester) {
      await this.#flow.audit(click.userId, 'approval.denied', req, { reason: 'own request', roles });
      throw new AuditedRefusal(`You can't approve your own request; it needs someone else with role ${roleNames}.`);
    }
    if (!roles.some((r) => policy.from.includes(r))) {
      if (unverified.some((r) => policy.from.includes(r))) {
        await this.#flow.audit(click.userId, 'approval.denied', req, {
          reason: 'roles could not be verified',
          roles,
          unverified,
        });
        throw new AuditedRefusal(
          'Not approved: could not verify your roles (Slack user groups did not answer). Try again in a moment.',
        );
      }
      await this.#flow.audit(click.userId, 'approval.denied', req, {
        reason: `needs role ${policy.from.join(' or ')}`,
        roles,
      });
      const have = roles.length ? `you have ${roles.map((r) => `\`${r}\``).join(', ')}` : 'you have no opsdeck role';
      throw new AuditedRefusal(`Approving changes to \`${req.env}\` needs role ${roleNames} (${have}).`);
    }
    await this.#checkIntegrity(req, click.userId);
    if (!paramsOf(req).forced) {
      const guard = await checkGuards({
        store,
        catalog,
        now: clock.now(),
        service: req.service,
        env: req.env,
        actor: req.requester,
        force: false,
        canBreakGlass: false,
      });
      if (guard.blocked) {
        await this.#flow.audit(click.userId, 'approval.denied', req, { reason: guard.blocked, roles });
        throw new AuditedRefusal(`Not approved: ${guard.reasons.join('; ')}.`);
      }
    }
    await this.#checkStillCurrent(req, click.userId);
    // The unique insert decides a double click; the audit entry follows, and without it the approval is taken back.
    if (!(await store.addApproval({ requestId: req.id, approver: click.userId, at: clock.now() }))) {
      throw new UserError('You have already approved this request.');
    }
    if (!(await this.#flow.audit(click.userId, 'approval.granted', req, { roles }))) {
      await store.removeApproval(req.id, click.userId);
      throw new UserError('Not approved: the audit log cannot be written right now. Try again in a moment.');
    }
    const count = (await store.listApprovals(req.id)).length;
    if (count < policy.required) {
      await this.#flow.refresh(req);
      await click.reply.ephemeral(textMessage(`Approved (${count} of ${policy.required}).`));
      return;
    }
    const approved = await store.transitionRequest(req.id, ['pending'], 'approved', undefined, clock.now());
    if (approved) return this.#flow.run(approved);
    const now = await store.getRequest(req.id);
    if (now?.state !== 'approved' && now?.state !== 'running') {
      await click.reply.ephemeral(
        textMessage(`Your approval came too late: the request is already ${now?.state ?? 'gone'}.`),
      );
    }
  }

  async reject({ click, roles, unverified }: ActionContext): Promise<void> {
    const { store, clock, catalog } = this.#flow.deps;
    const req = await this.#pending(click.value);
    const from = catalog.environments[req.env]?.approval?.from ?? [];
    if (!roles.some((r) => from.includes(r))) {
      if (unverified.some((r) => from.includes(r)))
        throw new UserError('Could not verify your roles (Slack user groups did not answer). Try again in a moment.');
      throw new UserError(
        `Rejecting needs role ${from.map((r) => `\`${r}\``).join(' or ')}. ${click.userId === req.requester ? 'Use Cancel to withdraw your own request.' : ''}`.trim(),
      );
    }
    const done = await store.transitionRequest(
      req.id,
      ['pending'],
      'rejected',
      { outcome: { by: click.userId } },
      clock.now(),
    );
    if (!done) throw new UserError('This request was already decided.');
    await this.#flow.audit(click.userId, 'approval.rejected', done, { roles });
    await this.#flow.refresh(done);
  }

  async cancel({ click }: ActionContext): Promise<void> {
    const { store, clock } = this.#flow.deps;
    const req = await this.#pending(click.value);
    if (click.userId !== req.requester) throw new UserError(`Only <@${req.requester}> can cancel this request.`);
    const done = await store.transitionRequest(
      req.id,
      ['pending'],
      'cancelled',
      { outcome: { by: click.userId } },
      clock.now(),
    );
    if (!done) throw new UserError('This request was already decided.');
    await this.#flow.audit(click.userId, 'request.cancelled', done, {});
    await this.#flow.refresh(done);
  }

  /** Expires every pending request past its deadline; run periodically by every replica (idempotent). */
  async expireDue(): Promise<number> {
    const { store, clock } = this.#flow.deps;
    const now = clock.now();
    let expired = 0;
    for (const req of await store.listRequests({ states: ['pending'] })) {
      if (req.expiresAt && req.expiresAt.getTime() <= now.getTime() && (await this.#expire(req))) expired++;
    }
    return expired;
  }

  async #expire(req: StoredRequest): Promise<boolean> {
    const done = await this.#flow.deps.store.transitionRequest(
      req.id,
      ['pending'],
      'expired',
      undefined,
      this.#flow.deps.clock.now(),
    );
    if (!done) return false;
    await this.#flow.audit(SYSTEM_ACTOR, 'request.expired', done, {});
    await this.#flow.refresh(done);
    return true;
  }

  async #pending(id: string): Promise<StoredRequest> {
    const req = /^req_[A-Za-z0-9_-]+$/.test(id) ? await this.#flow.deps.store.getRequest(id) : undefined;
    if (!req) throw new UserError('This request no longer exists.');
    if (req.state === 'pending' && req.expiresAt && req.expiresAt.getTime() <= this.#flow.deps.clock.now().getTime()) {
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
    let stale: string | undefined;
    try {
      stale = await this.#flow.staleness(req);
    } catch (err) {
      throw new UserError(
        `Not approved: could not read what runs in \`${req.env}\` now to check this request still applies (${userText((err as Error).message)}). Try again in a moment.`,
      );
    }
    if (!stale) return;
    const summary = `Superseded: ${stale}.`;
    await this.#flow.supersede(req, actor, summary, { by: actor });
    throw new AuditedRefusal(
      `Not approved: ${stale}. The request is marked superseded; run the command again to plan against what runs now.`,
    );
  }

  /** The stored request must still be exactly what was asked for; anything else is tampering. */
  async #checkIntegrity(req: StoredRequest, actor: string): Promise<void> {
    const p = paramsOf(req);
    if (requestHash(req.kind, req.service, req.env, p) === req.hash) return;
    await this.#flow.audit(actor, 'request.tampered', req, { expected: req.hash });
    const failed = await this.#flow.deps.store.transitionRequest(
      req.id,
      ['pending'],
      'failed',
      { outcome: { summary: 'Refused: the stored request no longer matches what was requested.' } },
      this.#flow.deps.clock.now(),
    );
    if (failed) await this.#flow.refresh(failed);
    throw new UserError('This request was altered after it was made, so it cannot be approved. Nothing was changed.');
  }
}
