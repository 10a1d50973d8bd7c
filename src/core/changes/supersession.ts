import type { Backends } from '../../ports/backends.ts';
import type { Clock } from '../../ports/clock.ts';
import type { RequestStore, StoredRequest } from '../../ports/store.ts';
import type { AuditLog } from '../audit-log.ts';
import type { GateDeps } from '../gates/deploy-gates.ts';
import { code, emoji, join, mention, plainText, t, type Text } from '../text.ts';
import type { ChangeKind } from './define-change.ts';
import { envelopeOf, outcomeOf } from './request-envelope.ts';
import type { RequestBoard } from './request-board.ts';

export interface SupersessionDeps {
  requests: RequestStore;
  clock: Clock;
  audit: AuditLog;
  board: RequestBoard;
  backends: Backends;
  kinds: Readonly<Record<string, ChangeKind>>;
  /** What the kinds' gates read (CI checks, the request history); without it no gate is checked again. */
  gates?: GateDeps | undefined;
}

/**
 * Keeps pending requests honest about what they would change: a request planned against what ran then is
 * superseded when what runs now changed, or when a newer request for the same target sets the same thing.
 */
export class Supersession {
  readonly #deps: SupersessionDeps;

  constructor(deps: SupersessionDeps) {
    this.#deps = deps;
  }

  /**
   * Why a pending request no longer fits what runs now (it was planned against something else), or
   * undefined when it still does. Throws when what runs now cannot be read: approving blind could downgrade.
   */
  async staleness(req: StoredRequest): Promise<Text | undefined> {
    const planned = envelopeOf(req).basis;
    const kind = this.#deps.kinds[req.kind];
    if (planned === undefined || !kind?.readBasis) return undefined;
    const now = await kind.readBasis({ request: req, backends: this.#deps.backends });
    if (now === planned) return undefined;
    const what = t`what runs in ${code(req.env)} changed since this was requested`;
    return t`${what} (planned against ${planned}; running now: ${now})`;
  }

  /**
   * Why the request's gates refuse it now (a required check turned red while it waited), or undefined when
   * they pass. A request forced by break-glass passed them when it was made, and still does. Throws when the
   * checks cannot be read: an unknown result is not a pass, but no reason to end the request either.
   */
  async gateRefusal(req: StoredRequest): Promise<Text | undefined> {
    const kind = this.#deps.kinds[req.kind];
    const gates = this.#deps.gates;
    if (!kind?.recheckGates || !gates || envelopeOf(req).forced) return undefined;
    const report = await kind.recheckGates({ request: req, gates });
    if (report.ci.kind === 'unreadable' && report.ci.required !== 'none') {
      throw new Error(`the CI checks could not be read: ${report.ci.error}`);
    }
    return report.reasons.length ? join(report.reasons, '; ') : undefined;
  }

  /**
   * Ends a pending request its gates now refuse as failed, before anything runs: the reason, with the check
   * and its link, goes in its message, its thread and the audit log. False when it was no longer pending.
   */
  async refuseByGates(req: StoredRequest, actor: string, reason: Text): Promise<boolean> {
    const { requests, clock, audit, board } = this.#deps;
    const summary = t`Not run: ${reason}. Nothing was changed.`;
    const done = await requests.transitionRequest(
      req.id,
      ['pending'],
      'failed',
      { outcome: outcomeOf(summary) },
      clock.now(),
    );
    if (!done) return false;
    await audit.record({
      actor,
      action: 'gates.refused',
      target: done,
      requestId: done.id,
      details: { reason: plainText(reason), title: envelopeOf(done).title },
    });
    await board.refresh(done);
    await board.tell(done, t`${mention(done.requester)} ${emoji('no_entry')} ${summary}`);
    return true;
  }

  /** Ends a pending request as superseded, with the reason in its message and the audit log. */
  async supersede(
    req: StoredRequest,
    actor: string,
    summary: Text,
    details: Record<string, unknown>,
  ): Promise<boolean> {
    const { requests, clock, audit, board } = this.#deps;
    const done = await requests.transitionRequest(
      req.id,
      ['pending'],
      'superseded',
      { outcome: outcomeOf(summary) },
      clock.now(),
    );
    if (!done) return false;
    await audit.record({
      actor,
      action: 'request.superseded',
      target: done,
      requestId: done.id,
      details: { ...details, reason: plainText(summary), title: envelopeOf(done).title },
    });
    await board.refresh(done);
    return true;
  }

  /** A newer request for the same target and concern makes older pending ones moot: approving them would undo it. */
  async supersedeOlder(newer: StoredRequest): Promise<void> {
    const { requests, kinds } = this.#deps;
    const concern = kinds[newer.kind]?.concern;
    if (!concern) return;
    const pending = await requests.listRequests({ service: newer.service, env: newer.env, states: ['pending'] });
    for (const req of pending.filter((r) => r.id !== newer.id && kinds[r.kind]?.concern === concern)) {
      const summary = t`Superseded by a newer request from ${mention(newer.requester)} (${code(newer.id)}).`;
      await this.supersede(req, newer.requester, summary, { supersededBy: newer.id });
    }
  }
}
