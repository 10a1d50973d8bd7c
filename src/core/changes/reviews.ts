import type { Chat } from '../../ports/chat.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { ReviewStore, StoredReview } from '../../ports/review-store.ts';
import type { RequestStore, StoredRequest } from '../../ports/store.ts';
import { type Action, type ActionContext, defineAction } from '../action.ts';
import { type AuditLog, SYSTEM_ACTOR } from '../audit-log.ts';
import type { Catalog } from '../catalog.ts';
import { AuditedRefusal, UserError } from '../errors.ts';
import { newId } from '../ids.ts';
import { textMessage } from '../message.ts';
import { code, concat, emoji, type Inline, join, mention, t } from '../text.ts';
import { envelopeOf } from './request-envelope.ts';
import { ACTION_ACKNOWLEDGE, reviewMessage } from './review-view.ts';

export interface ReviewsDeps {
  reviews: ReviewStore;
  requests: Pick<RequestStore, 'getRequest'>;
  chat: Chat;
  clock: Clock;
  catalog: Catalog;
  audit: AuditLog;
  /** Everyone who can approve changes to `env`, to mention. */
  approvers(env: string): Promise<Inline[]>;
  log: Logger;
}

/**
 * Reviews of emergency self-approvals: opened in the request's thread, acknowledged by another approver
 * (re-checked at click time), marked overdue once by the sweep.
 */
export class Reviews {
  readonly #deps: ReviewsDeps;

  constructor(deps: ReviewsDeps) {
    this.#deps = deps;
  }

  actions(): Action[] {
    return [defineAction({ actionId: ACTION_ACKNOWLEDGE, handler: (ctx) => this.acknowledge(ctx) })];
  }

  /**
   * Opens the review of a request its requester approved alone: the red notice with Acknowledge in its
   * thread, then the stored review and its audit entry. Throws when either cannot be written.
   */
  async open(request: StoredRequest, reason: string, dueAt: Date): Promise<StoredReview> {
    const { chat, clock, reviews, audit, log } = this.#deps;
    const now = clock.now();
    const draft: StoredReview = {
      id: newId('rev'),
      requestId: request.id,
      kind: request.kind,
      service: request.service,
      env: request.env,
      requester: request.requester,
      reason,
      openedAt: now,
      dueAt,
    };
    const title = envelopeOf(request).title;
    // The requester approved it already: the others are asked to look.
    const approvers = (await this.#approvers(request.env)).filter(
      (who) => !(typeof who === 'object' && 'mention' in who && who.mention === request.requester),
    );
    // Posted first, so the stored review knows its message; a review Slack would not take is still listed.
    const message = request.message
      ? await chat
          .post(request.channel, reviewMessage(draft, title, approvers), request.message.ts)
          .then(({ ts }) => ({ channel: request.channel, ts }))
          .catch((err: unknown) => {
            log.warn({ err, requestId: request.id }, 'could not post the emergency review notice');
            return undefined;
          })
      : undefined;
    const review = await reviews.createReview({ ...draft, message });
    const written = await audit.record({
      actor: SYSTEM_ACTOR,
      action: 'review.opened',
      target: request,
      requestId: request.id,
      details: { review: review.id, requester: request.requester, reason, dueAt: dueAt.toISOString(), title },
    });
    if (!written) throw new Error('the audit log cannot be written');
    return review;
  }

  async acknowledge({ click, roles, unverified }: ActionContext): Promise<void> {
    const { reviews, clock, catalog, audit } = this.#deps;
    const review = /^rev_[A-Za-z0-9_-]+$/.test(click.value) ? await reviews.getReview(click.value) : undefined;
    if (!review) throw new UserError('This review no longer exists.');
    if (review.acknowledgedBy) throw new UserError(t`Already acknowledged by ${mention(review.acknowledgedBy)}.`);
    const from = catalog.environments[review.env]?.approval?.from ?? [];
    const roleNames = join(from.map(code), ' or ');
    const target = { service: review.service, env: review.env };
    const refuse = async (why: string) =>
      audit.record({
        actor: click.userId,
        action: 'review.denied',
        target,
        requestId: review.requestId,
        details: { review: review.id, reason: why, roles },
      });
    if (click.userId === review.requester) {
      await refuse('own emergency change');
      throw new AuditedRefusal(
        t`You can't acknowledge your own emergency change: someone else with role ${roleNames} must.`,
      );
    }
    if (!roles.some((r) => from.includes(r))) {
      if (unverified.some((r) => from.includes(r))) {
        throw new UserError('Could not verify your roles (Slack user groups did not answer). Try again in a moment.');
      }
      await refuse(`needs role ${from.join(' or ')}`);
      const have = roles.length ? t`you have ${join(roles.map(code), ', ')}` : 'you have no opsdeck role';
      throw new AuditedRefusal(t`Acknowledging needs role ${roleNames}, as approving does (${have}).`);
    }
    // The entry first, so nothing is acknowledged that the audit log does not show.
    const written = await audit.record({
      actor: click.userId,
      action: 'review.acknowledged',
      target,
      requestId: review.requestId,
      details: { review: review.id, requester: review.requester, overdue: Boolean(review.overdueAt), roles },
    });
    if (!written) throw new UserError('Not acknowledged: the audit log cannot be written right now. Try again.');
    const done = await reviews.acknowledgeReview(review.id, click.userId, clock.now());
    if (!done) throw new UserError('Someone acknowledged this review a moment ago.');
    await this.#refresh(done);
    await click.reply.ephemeral(textMessage(t`${emoji('white_check_mark')} Acknowledged ${code(done.id)}.`));
  }

  /** Marks each review past due overdue, once, with a notice in its thread; run by the sweep. */
  async markOverdue(): Promise<number> {
    const { reviews, clock, audit, requests, chat, log } = this.#deps;
    const now = clock.now();
    let marked = 0;
    for (const open of await reviews.listOpenReviews()) {
      if (open.overdueAt || open.dueAt.getTime() > now.getTime()) continue;
      const review = await reviews.markReviewOverdue(open.id, now);
      if (!review) continue;
      marked++;
      const target = { service: review.service, env: review.env };
      await audit.record({
        actor: SYSTEM_ACTOR,
        action: 'review.overdue',
        target,
        requestId: review.requestId,
        details: { review: review.id, requester: review.requester, dueAt: review.dueAt.toISOString() },
      });
      const request = await requests.getRequest(review.requestId);
      if (!request?.message) continue;
      const who = join(await this.#approvers(review.env), ' ');
      const text = concat(
        t`${emoji('alarm_clock')} Review overdue: nobody has acknowledged ${mention(review.requester)}'s `,
        t`emergency change yet. ${who} please review it and click Acknowledge above (${code('/ops reviews')} lists `,
        'every open one).',
      );
      await chat
        .post(request.channel, { ...textMessage(text), urgency: 'prompt' }, request.message.ts)
        .catch((err: unknown) => log.warn({ err, requestId: request.id }, 'could not post the overdue notice'));
    }
    return marked;
  }

  async #refresh(review: StoredReview): Promise<void> {
    if (!review.message) return;
    const request = await this.#deps.requests.getRequest(review.requestId);
    const title = request ? envelopeOf(request).title : `${review.kind} ${review.service} ${review.env}`;
    await this.#deps.chat
      .update(review.message.channel, review.message.ts, reviewMessage(review, title, []))
      .catch((err: unknown) => this.#deps.log.warn({ err, review: review.id }, 'could not update the review notice'));
  }

  async #approvers(env: string): Promise<Inline[]> {
    return this.#deps.approvers(env).catch((err: unknown) => {
      this.#deps.log.warn({ err }, 'could not list the approvers to mention');
      return [];
    });
  }
}
