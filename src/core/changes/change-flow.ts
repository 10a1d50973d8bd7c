import type { Backends } from '../../ports/backends.ts';
import type { Chat, Replier } from '../../ports/chat.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { ChangeMetrics, FailureMetrics } from '../../ports/metrics.ts';
import { type RequestStore, type StoredRequest, TargetBusy } from '../../ports/store.ts';
import type { AuditLog } from '../audit-log.ts';
import type { Catalog } from '../catalog.ts';
import { parseDuration } from '../duration.ts';
import { newId } from '../ids.ts';
import { textMessage } from '../message.ts';
import { postFailure } from '../post-failure.ts';
import { progressReporter } from '../progress.ts';
import { code, concat, emoji, join, link, mention, parts, plainText, t, type Inline, type Text } from '../text.ts';
import type { ChangeKind, ChangePlan } from './define-change.ts';
import { dryRunMessage } from './dry-run.ts';
import { EmergencyPath, type EmergencyRequest } from './emergency-path.ts';
import { LeasedRun, type LeasedRunDeps } from './leased-run.ts';
import { type Outcome, outcomeDetails, secondsSince, storedOutcome } from './outcomes.ts';
import type { RequestBoard } from './request-board.ts';
import type { Reviews } from './reviews.ts';
import { envelopeOf, outcomeOf, type RequestEnvelope, requestHash } from './request-envelope.ts';
import { requestMessage } from './request-view.ts';
import type { Supersession } from './supersession.ts';

const AUDIT_REFUSAL = 'Refused: the audit log cannot be written, so nothing was changed';

export interface ChangeFlowDeps {
  requests: RequestStore;
  chat: Chat;
  clock: Clock;
  catalog: Catalog;
  backends: Backends;
  audit: AuditLog;
  board: RequestBoard;
  supersession: Supersession;
  /** Every kind of change, by request kind: how it runs, what it sets, how to re-read what it was planned against. */
  kinds: Readonly<Record<string, ChangeKind>>;
  /**
   * How many people other than `requester` could approve changes to `env`; undefined when that cannot be
   * known right now (a user group could not be looked up).
   */
  approversBesides?(env: string, requester: string): Promise<number | undefined>;
  log: Logger;
  /** Minimum gap between edits of the progress message (Slack allows about one post per second per channel). */
  progressIntervalMs?: number;
  /** How long a running change's lease lasts unless renewed (every third of it); default 30 s. */
  leaseMs?: number;
  /** This process, as the holder of the leases of the changes it runs; default a new id. */
  runner?: string;
  metrics?: FailureMetrics;
  /** What became of changes, for the outcome metrics. */
  outcomes?: ChangeMetrics | undefined;
  /** Opens the review of an emergency self-approval; without it the emergency path is refused. */
  reviews?: Pick<Reviews, 'open'> | undefined;
}

export interface Submission {
  requester: string;
  channel: string;
  invocationId: string;
  reply: Replier;
  /** Called once the request is in the channel, where the requester sees it: it answers the command. */
  posted?(): void;
  dryRun: boolean;
  /** What `--force` passed, when it was needed and allowed. */
  forced: Text | undefined;
  /** People and groups to notify when break-glass is used. */
  notify: Inline[];
  /** Set when the requester asks to approve it alone with `--emergency`. */
  emergency?: EmergencyRequest | undefined;
}

export type { EmergencyRequest } from './emergency-path.ts';
export type { Outcome } from './outcomes.ts';

/**
 * A change's life: stored as a request before anything is posted, gated by approval when the
 * environment asks for it, and run exactly once (every transition is compare-and-set).
 */
export class ChangeFlow {
  readonly #deps: ChangeFlowDeps;
  readonly #lease: LeasedRunDeps;
  /** The requests this process is running now: recovery must leave them alone, whatever the store says. */
  readonly #live = new Set<string>();
  readonly #emergencyPath: EmergencyPath;

  constructor(deps: ChangeFlowDeps) {
    this.#deps = deps;
    this.#lease = {
      requests: deps.requests,
      clock: deps.clock,
      audit: deps.audit,
      board: deps.board,
      log: deps.log,
      metrics: deps.metrics,
      runner: deps.runner ?? newId('run'),
      leaseMs: deps.leaseMs ?? 30_000,
    };
    this.#emergencyPath = new EmergencyPath(deps, {
      fail: (request, summary) => this.#fail(request, summary),
      run: (request) => this.run(request),
    });
  }

  async submit(plan: ChangePlan, s: Submission): Promise<void> {
    const { requests, clock, catalog, audit } = this.#deps;
    const env = catalog.environments[plan.env];
    const emergency = s.emergency && (await this.#emergencyPath.admit(plan, s.requester, s.emergency));
    // Stored as parts, never as a string: a string in a stored request is markup written by an earlier version.
    const envelope: RequestEnvelope = {
      title: plan.title,
      headline: parts(plan.headline),
      fields: plan.fields.map(parts),
      exec: this.#kind(plan.kind).params.parse(plan.params),
      warnings: (plan.warnings ?? []).map(parts),
      forced: s.forced && parts(s.forced),
      ...(emergency ? { emergency: { reason: emergency.reason } } : {}),
      direct: !env?.approval,
      basis: plan.basis,
    };
    if (s.dryRun) return s.reply.ephemeral(dryRunMessage(plan, envelope, env));
    const now = clock.now();
    const expiresIn = env?.approval ? parseDuration(env.approval.expiresIn) : undefined;
    const request = await requests.createRequest({
      id: newId('req'),
      kind: plan.kind,
      service: plan.service,
      env: plan.env,
      requester: s.requester,
      channel: s.channel,
      params: envelope as unknown as Record<string, unknown>,
      hash: requestHash(plan.kind, plan.service, plan.env, envelope),
      createdAt: now,
      expiresAt: expiresIn ? new Date(now.getTime() + expiresIn) : undefined,
    });
    const entry = { target: request, requestId: request.id, actor: s.requester };
    const forcedText = s.forced && plainText(s.forced);
    const written =
      (await audit.record({
        ...entry,
        action: `${plan.kind}.requested`,
        details: { params: envelope.exec, title: plan.title, invocationId: s.invocationId, forced: forcedText },
      })) &&
      (!s.forced || (await audit.record({ ...entry, action: 'breakglass.used', details: { passed: forcedText } }))) &&
      (!emergency ||
        (await audit.record({ ...entry, action: 'emergency.requested', details: { reason: emergency.reason } })));
    if (!written) {
      await this.#fail(request, 'Refused: the audit log cannot be written.');
      return s.reply.ephemeral(textMessage(t`${emoji('no_entry')} ${AUDIT_REFUSAL} (ref ${code(request.id)}).`));
    }
    const posted = await this.#post(request, s);
    if (!posted) return;
    if (emergency) return this.#emergencyPath.selfApprove(posted, s.requester, emergency);
    if (!env?.approval) {
      const approved = await requests.transitionRequest(request.id, ['pending'], 'approved', undefined, clock.now());
      if (approved) await this.run(approved);
    }
  }

  /** Runs an approved request; only the caller that wins approved → running (and its lease) does anything. */
  async run(request: StoredRequest): Promise<void> {
    let run: LeasedRun | undefined;
    try {
      run = await LeasedRun.start(this.#lease, request);
    } catch (err) {
      if (!(err instanceof TargetBusy)) throw err;
      // The store allows one running change per service and environment, whatever the replicas' clocks say.
      const blocker = await this.#blocker(err);
      const summary = t`Not started: ${blocker}. Nothing was changed; run the command again when it is done.`;
      return this.#notStarted(request, { ok: false, summary });
    }
    if (!run) return;
    this.#live.add(request.id);
    try {
      await this.#runLeased(run);
    } finally {
      this.#live.delete(request.id);
    }
  }

  /** Whether this process is running `id` now (its lease may still have been lost meanwhile). */
  isRunningHere(id: string): boolean {
    return this.#live.has(id);
  }

  async #runLeased(run: LeasedRun): Promise<void> {
    const { log, audit, clock } = this.#deps;
    const running = run.request;
    const startedAt = clock.now();
    const reqLog = log.child({ requestId: running.id, kind: running.kind, service: running.service, env: running.env });
    const started = await audit.record({
      actor: running.requester,
      action: `${running.kind}.started`,
      target: running,
      requestId: running.id,
      details: { title: envelopeOf(running).title },
    });
    if (!started) {
      await run.finish({ ok: false, summary: `${AUDIT_REFUSAL}.` });
      return;
    }
    void this.#deps.board.refresh(running);
    const progress = progressReporter({
      chat: this.#deps.chat,
      channel: running.channel,
      threadTs: running.message?.ts,
      clock: this.#deps.clock,
      minGapMs: this.#deps.progressIntervalMs ?? 1000,
      log: reqLog,
    });
    const outcome = await this.#execute(running, (text) => progress.report(text), reqLog);
    // The store and the audit log first: a slow or failing Slack must not hold back the outcome.
    const recorded = await run.finish(outcome);
    const details = outcome.url ? t` (${link(outcome.url, 'details')})` : '';
    await progress.close(t`${emoji(outcome.ok ? 'white_check_mark' : 'x')} ${outcome.summary}${details}`);
    // A late outcome was told in the thread with what the replica that took over had said.
    if (recorded === 'late') return;
    if (recorded === 'unrecorded') {
      const said = outcome.ok ? 'succeeded' : 'failed';
      const text = concat(
        t`${mention(running.requester)} ${emoji('warning')} This change ${said}: ${outcome.summary} `,
        'opsdeck could not write this outcome to its store, so neither the request nor the audit log has it, ',
        'and another replica may report the change as interrupted.',
      );
      await this.#deps.board.tell(running, text);
      return;
    }
    this.#count(running, outcome, startedAt);
    const said = outcome.ok ? 'done' : 'failed';
    await this.#deps.board.tell(running, t`${mention(running.requester)} ${said}: ${outcome.summary}`);
  }

  /** Records why an approved request never ran: in the store, the audit log, its message. */
  async #notStarted(request: StoredRequest, outcome: Outcome): Promise<void> {
    const done = await this.#deps.requests.transitionRequest(
      request.id,
      ['approved'],
      'failed',
      { outcome: storedOutcome(outcome) },
      this.#deps.clock.now(),
    );
    if (!done) return;
    this.#deps.outcomes?.changeEnded(done.kind, done.env, 'failed');
    await this.#deps.audit.record({
      actor: request.requester,
      action: `${request.kind}.failed`,
      target: done,
      requestId: done.id,
      details: outcomeDetails(done, outcome),
    });
    await this.#deps.board.refresh(done);
  }

  /** Runs the kind's executor on the stored parameters, validated again: what runs is what was approved. */
  async #execute(running: StoredRequest, report: (text: Text) => Promise<void>, log: Logger): Promise<Outcome> {
    const title = envelopeOf(running).title;
    try {
      const kind = this.#kind(running.kind);
      const params = kind.params.safeParse(envelopeOf(running).exec);
      if (!params.success) {
        const issue = params.error.issues[0];
        const why = `${issue?.path.join('.') || 'parameters'}: ${issue?.message ?? 'invalid'}`;
        return {
          ok: false,
          summary: `Refused: the stored parameters of this request are not valid (${why}). Nothing was changed.`,
        };
      }
      // Drivers speak plain text (pod reasons, workflow names): a string is shown as text, never as markup.
      const progress = (text: string) => report(text);
      const approvals = await this.#deps.requests.listApprovals(running.id);
      return await kind.execute({
        request: running,
        params: params.data,
        approvers: approvals.map((a) => a.approver),
        progress,
        backends: this.#deps.backends,
        log,
      });
    } catch (err) {
      log.error({ err }, 'change failed');
      return { ok: false, summary: `${title} failed: ${(err as Error).message}` };
    }
  }

  /** Posts the request; undefined (the request failed, the requester told why) when Slack would not take it. */
  async #post(request: StoredRequest, s: Submission): Promise<StoredRequest | undefined> {
    const { chat, catalog, requests, supersession, log } = this.#deps;
    let ts: string;
    try {
      ts = (await chat.post(s.channel, requestMessage(request, [], catalog.environments[request.env]))).ts;
    } catch (err) {
      log.error({ err, requestId: request.id }, 'could not post the request');
      const failure = postFailure(err, request.id);
      await this.#fail(request, failure.summary);
      await s.reply.ephemeral(textMessage(failure.reply));
      return undefined;
    }
    s.posted?.();
    await requests.setRequestMessage(request.id, { channel: s.channel, ts });
    const posted = { ...request, message: { channel: s.channel, ts } };
    await supersession.supersedeOlder(posted);
    await this.#warnIfUnapprovable(posted, s);
    if (s.forced && s.notify.length) {
      const who = join(s.notify, ' ');
      const text = t`${emoji('rotating_light')} Break-glass request by ${mention(s.requester)}: ${who} please review.`;
      await chat
        .post(s.channel, { ...textMessage(text), urgency: 'prompt' }, ts)
        .catch((err: unknown) => log.warn({ err }, 'could not notify approvers'));
    }
    return posted;
  }

  /** The outcome metrics of a run this process recorded. */
  #count(request: StoredRequest, outcome: Outcome, startedAt: Date): void {
    const metrics = this.#deps.outcomes;
    if (!metrics) return;
    const { clock } = this.#deps;
    const ended = outcome.rolledBack ? 'rolled_back' : outcome.ok ? 'succeeded' : 'failed';
    metrics.changeEnded(request.kind, request.env, ended);
    if (outcome.rolledBack) metrics.restored(request.env, 'automatic', secondsSince(startedAt, clock));
    if (outcome.ok && request.kind === 'rollback') {
      metrics.restored(request.env, 'rollback', secondsSince(request.createdAt, clock));
    }
  }

  async #fail(request: StoredRequest, summary: Text): Promise<void> {
    const outcome = outcomeOf(summary);
    await this.#deps.requests.transitionRequest(request.id, ['pending'], 'failed', { outcome }, this.#deps.clock.now());
  }

  #kind(kind: string): ChangeKind {
    const found = this.#deps.kinds[kind];
    if (!found) throw new Error(`no change kind "${kind}": add it to the list of change kinds`);
    return found;
  }

  /** Says at once when nobody but the requester could approve, instead of letting the request wait to expire. */
  async #warnIfUnapprovable(req: StoredRequest, s: Submission): Promise<void> {
    const policy = this.#deps.catalog.environments[req.env]?.approval;
    if (!policy || !this.#deps.approversBesides) return;
    const others = await this.#deps.approversBesides(req.env, req.requester).catch(() => undefined);
    if (others === undefined || others >= policy.required) return;
    const roles = join(policy.from.map(code), ' or ');
    const besides = others === 0 ? 'no one' : `only ${others} other person${others === 1 ? '' : 's'}`;
    const which = policy.from.length === 1 ? 'that role' : 'those roles';
    const text = concat(
      t`${emoji('warning')} Nobody else can approve this: it needs ${policy.required} approval(s) from ${roles}, and `,
      t`${besides} besides ${mention(req.requester)} holds ${which}. `,
      'Add approvers to the role in opsdeck.yaml, or cancel it.',
    );
    await this.#deps.board.tell(req, text);
    await s.reply
      .ephemeral(textMessage(text))
      .catch((err: unknown) => this.#deps.log.warn({ err }, 'could not warn the requester'));
  }

  /** The running change that kept this one from starting, as the thread names it. */
  async #blocker(busy: TargetBusy): Promise<Text> {
    const other = await this.#deps.requests.getRequest(busy.runningId);
    if (!other) return t`another change (${code(busy.runningId)}) is still running`;
    return t`${envelopeOf(other).title.toLowerCase()} by ${mention(other.requester)} is still running`;
  }
}
