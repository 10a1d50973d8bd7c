import type { StoredRequest } from '../../ports/store.ts';
import { AuditedRefusal, UserError } from '../errors.ts';
import { code, emoji, t, type Text } from '../text.ts';
import type { ChangeFlowDeps } from './change-flow.ts';
import type { ChangePlan } from './define-change.ts';
import { decideEmergency } from './emergency.ts';
import { secondsSince } from './outcomes.ts';
import { envelopeOf } from './request-envelope.ts';

/** What `--emergency` asks, with what the pipeline knows of the requester. */
export interface EmergencyRequest {
  reason: string;
  roles: readonly string[];
  unverified: readonly string[];
  /** The command as typed without `--emergency`, for messages that say what to run. */
  command: string;
}

/** An emergency the policy allowed: the reason given and when its review falls due. */
export interface AdmittedEmergency {
  reason: string;
  reviewDueAt: Date;
}

type EmergencyDeps = Pick<
  ChangeFlowDeps,
  'requests' | 'catalog' | 'clock' | 'audit' | 'board' | 'supersession' | 'reviews' | 'outcomes' | 'log'
>;

/** What the change flow does for the emergency path: fail a pending request, run an approved one. */
interface FlowSteps {
  fail(request: StoredRequest, summary: Text): Promise<void>;
  run(request: StoredRequest): Promise<void>;
}

/** A requester approving their own change with `--emergency`: admitted by the policy, then self-approved. */
export class EmergencyPath {
  readonly #deps: EmergencyDeps;
  readonly #flow: FlowSteps;

  constructor(deps: EmergencyDeps, flow: FlowSteps) {
    this.#deps = deps;
    this.#flow = flow;
  }

  /**
   * Whether the requester may approve this alone, decided before anything is stored: a refusal changes
   * nothing and says why. The time to wait counts from their own pending request for the same change.
   */
  async admit(plan: ChangePlan, requester: string, ask: EmergencyRequest): Promise<AdmittedEmergency> {
    const { requests, catalog, clock } = this.#deps;
    if (!this.#deps.reviews) throw new UserError('The emergency path is not available here.');
    const waiting = await requests.listRequests({
      states: ['pending'],
      kinds: [plan.kind],
      service: plan.service,
      env: plan.env,
    });
    const verdict = decideEmergency({
      env: plan.env,
      command: ask.command,
      approval: catalog.environments[plan.env]?.approval,
      reason: ask.reason,
      roles: ask.roles,
      unverified: ask.unverified,
      now: clock.now(),
      waitingSince: waiting.find((r) => r.requester === requester && !envelopeOf(r).emergency)?.createdAt,
    });
    if (!verdict.allowed) throw new UserError(verdict.text);
    return { reason: ask.reason.trim(), reviewDueAt: verdict.reviewDueAt };
  }

  /** The requester's own approval, audited, with a review opened before anything runs. */
  async selfApprove(request: StoredRequest, requester: string, admitted: AdmittedEmergency): Promise<void> {
    const { requests, audit, clock, log, supersession } = this.#deps;
    const { reason, reviewDueAt } = admitted;
    const entry = { actor: requester, target: request, requestId: request.id };
    const title = envelopeOf(request).title;
    const refuse = async (why: string) => {
      await this.#flow.fail(request, `Refused: ${why}.`);
      const failed = await requests.getRequest(request.id);
      if (failed) await this.#deps.board.refresh(failed);
      throw new AuditedRefusal(
        t`${emoji('no_entry')} Refused: ${why}, so nothing was changed (ref ${code(request.id)}).`,
      );
    };
    // Alone, the requester is also the last approval: the gates are checked again as an approver's click does.
    const gated = await supersession.gateRefusal(request).catch((err: unknown) => (err as Error).message);
    if (gated) {
      await supersession.refuseByGates(request, requester, gated);
      throw new AuditedRefusal(
        t`${emoji('no_entry')} Not run: ${gated}, so nothing was changed (ref ${code(request.id)}).`,
      );
    }
    if (!(await audit.record({ ...entry, action: 'emergency.self_approved', details: { reason, title } }))) {
      return refuse('the audit log cannot be written');
    }
    await requests.addApproval({ requestId: request.id, approver: requester, at: clock.now() });
    try {
      // Present: `admit` refuses the emergency path without it.
      await this.#deps.reviews!.open(request, reason, reviewDueAt);
    } catch (err) {
      log.error({ err, requestId: request.id }, 'could not open the review of an emergency change');
      await requests.removeApproval(request.id, requester);
      return refuse('its review could not be opened');
    }
    const approved = await requests.transitionRequest(request.id, ['pending'], 'approved', undefined, clock.now());
    if (!approved) return;
    this.#deps.outcomes?.approvalDecided(request.env, 'emergency', secondsSince(request.createdAt, clock));
    await this.#flow.run(approved);
  }
}
