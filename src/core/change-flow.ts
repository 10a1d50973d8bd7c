import type { Backends, DeployOutcome } from '../ports/backends.ts';
import type { Chat, Replier } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { FailureMetrics } from '../ports/metrics.ts';
import type { Store, StoredRequest } from '../ports/store.ts';
import type { Catalog } from './catalog.ts';
import { paramsOf, requestHash, TAIL_KIND, type ChangeKind, type ChangePlan, type RequestParams } from './change.ts';
import { parseDuration } from './duration.ts';
import { heartbeatFailed } from './heartbeat.ts';
import { postFailure } from './post-failure.ts';
import { link, mention, plain, userText } from './format.ts';
import { newId } from './ids.ts';
import { textMessage } from './message.ts';
import { redactDeep } from './redact.ts';
import { requestMessage } from './request-view.ts';
import { progressReporter } from './progress.ts';
import { every } from './timers.ts';

export interface ChangeFlowDeps {
  store: Store;
  chat: Chat;
  clock: Clock;
  catalog: Catalog;
  backends: Backends;
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
  /** How often a running change records that its process is alive. */
  heartbeatMs?: number;
  metrics?: FailureMetrics;
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
  forced: string | undefined;
  /** People to notify when break-glass is used. */
  notify: string[];
}

/**
 * A change's life: stored as a request before anything is posted, gated by approval when the
 * environment asks for it, and run exactly once (every transition is compare-and-set).
 */
export class ChangeFlow {
  readonly deps: ChangeFlowDeps;
  /** Identifies this process in heartbeats. */
  readonly #runner = newId('run');
  readonly #heartbeatMs: number;

  constructor(deps: ChangeFlowDeps) {
    this.deps = deps;
    this.#heartbeatMs = deps.heartbeatMs ?? 10_000;
  }

  async submit(plan: ChangePlan, s: Submission): Promise<void> {
    const { store, chat, clock, catalog } = this.deps;
    const env = catalog.environments[plan.env];
    const params: RequestParams = {
      title: plan.title,
      headline: plan.headline,
      fields: plan.fields,
      binding: plan.binding,
      exec: plan.exec,
      warnings: plan.warnings ?? [],
      forced: s.forced,
      direct: !env?.approval,
      basis: plan.basis,
    };
    const now = clock.now();
    if (s.dryRun) {
      const preview = requestMessage(
        {
          id: 'dry-run',
          kind: plan.kind,
          service: plan.service,
          env: plan.env,
          requester: s.requester,
          channel: s.channel,
          params: { ...params, direct: true } as unknown as Record<string, unknown>,
          hash: '',
          createdAt: now,
          updatedAt: now,
          state: 'pending',
          version: 0,
        },
        [],
        undefined,
      );
      const gate = env?.approval
        ? `It would need ${env.approval.required} approval(s) from ${env.approval.from.map((r) => `\`${r}\``).join(' or ')}.`
        : 'It would run straight away.';
      await s.reply.ephemeral({
        text: `Dry run: ${plan.title}`,
        blocks: [
          { type: 'context', text: `*Dry run*: nothing was changed. ${gate}` },
          ...(preview.blocks ?? []).slice(0, -1),
        ],
      });
      return;
    }
    const expiresIn = env?.approval ? parseDuration(env.approval.expiresIn) : undefined;
    const request = await store.createRequest({
      id: newId('req'),
      kind: plan.kind,
      service: plan.service,
      env: plan.env,
      requester: s.requester,
      channel: s.channel,
      params: params as unknown as Record<string, unknown>,
      hash: requestHash(plan.kind, plan.service, plan.env, params),
      createdAt: now,
      expiresAt: expiresIn ? new Date(now.getTime() + expiresIn) : undefined,
    });
    const written = await this.audit(s.requester, `${plan.kind}.requested`, request, {
      ...plan.binding,
      invocationId: s.invocationId,
      forced: s.forced,
    });
    const breakglass = !s.forced || (await this.audit(s.requester, 'breakglass.used', request, { passed: s.forced }));
    if (!written || !breakglass) {
      await store.transitionRequest(
        request.id,
        ['pending'],
        'failed',
        { outcome: { summary: 'Refused: the audit log cannot be written.' } },
        clock.now(),
      );
      await s.reply.ephemeral(
        textMessage(
          `:no_entry: Refused: the audit log cannot be written, so nothing was changed (ref \`${request.id}\`).`,
        ),
      );
      return;
    }
    let ts: string;
    try {
      ts = (await chat.post(s.channel, requestMessage(request, [], env))).ts;
    } catch (err) {
      this.deps.log.error({ err, requestId: request.id }, 'could not post the request');
      const failure = postFailure(err, request.id);
      await store.transitionRequest(
        request.id,
        ['pending'],
        'failed',
        { outcome: { summary: failure.summary } },
        clock.now(),
      );
      await s.reply.ephemeral(textMessage(failure.reply));
      return;
    }
    s.posted?.();
    await store.setRequestMessage(request.id, { channel: s.channel, ts });
    const posted = { ...request, message: { channel: s.channel, ts } };
    await this.#supersedeOlder(posted);
    await this.#warnIfUnapprovable(posted, s);
    if (s.forced && s.notify.length) {
      await chat
        .post(
          s.channel,
          textMessage(
            `:rotating_light: Break-glass request by ${mention(s.requester)}: ${s.notify.join(' ')} please review.`,
          ),
          ts,
        )
        .catch((err: unknown) => this.deps.log.warn({ err }, 'could not notify approvers'));
    }
    if (!env?.approval) {
      const approved = await store.transitionRequest(request.id, ['pending'], 'approved', undefined, clock.now());
      if (approved) await this.run(approved);
    }
  }

  /** Runs an approved request; only the caller that wins approved → running does anything. */
  async run(request: StoredRequest): Promise<void> {
    const { store, clock, backends, kinds, log } = this.deps;
    const running = await store.transitionRequest(request.id, ['approved'], 'running', undefined, clock.now());
    if (!running) return;
    const reqLog = log.child({ requestId: running.id, kind: running.kind, service: running.service, env: running.env });
    const busy = await this.#otherChange(running);
    if (busy) {
      await this.finish(running, {
        ok: false,
        summary: `Not started: ${busy}. Nothing was changed; run the command again when it is done.`,
      });
      return;
    }
    // The heartbeat claims the target for this run and lets any replica notice if its process dies.
    await store.heartbeat(running.id, this.#runner, clock.now());
    if (!(await this.audit(running.requester, `${running.kind}.started`, running, {}))) {
      await this.finish(running, {
        ok: false,
        summary: 'Refused: the audit log cannot be written, so nothing was changed.',
      });
      return;
    }
    const beat = new AbortController();
    void every(clock, this.#heartbeatMs, beat.signal, () =>
      store.heartbeat(running.id, this.#runner, clock.now()).then(
        () => undefined,
        (err: unknown) => heartbeatFailed(reqLog.child({ runner: this.#runner }), this.deps.metrics, 'change', err),
      ),
    );
    void this.refresh(running);
    const progress = progressReporter({
      chat: this.deps.chat,
      channel: running.channel,
      threadTs: running.message?.ts,
      clock,
      minGapMs: this.deps.progressIntervalMs ?? 1000,
      log: reqLog,
    });
    let outcome: DeployOutcome;
    try {
      const kind = kinds[running.kind];
      if (!kind) throw new Error(`no executor for ${running.kind}`);
      // Drivers speak plain text (pod reasons, workflow names): escaped before it reaches a message.
      const report = (text: string) => progress.report(userText(text));
      const raw = await kind.execute({
        request: running,
        exec: paramsOf(running).exec,
        progress: report,
        backends,
        log: reqLog,
      });
      outcome = { ...raw, summary: userText(raw.summary) };
    } catch (err) {
      reqLog.error({ err }, 'change failed');
      outcome = { ok: false, summary: `${paramsOf(running).title} failed: ${userText((err as Error).message)}` };
    } finally {
      beat.abort();
    }
    // The store and the audit log first: a slow or failing Slack must not hold back the outcome.
    await this.finish(running, outcome);
    await progress.close(
      `${outcome.ok ? ':white_check_mark:' : ':x:'} ${outcome.summary}${outcome.url ? ` (${link(outcome.url, 'details')})` : ''}`,
    );
    await this.#tell(running, `${mention(running.requester)} ${outcome.ok ? 'done' : 'failed'}: ${outcome.summary}`);
  }

  async finish(request: StoredRequest, outcome: DeployOutcome): Promise<void> {
    const state = outcome.ok ? 'succeeded' : 'failed';
    const done = await this.deps.store.transitionRequest(
      request.id,
      ['running'],
      state,
      { outcome: { summary: outcome.summary, url: outcome.url, rolledBack: outcome.rolledBack } },
      this.deps.clock.now(),
    );
    if (!done) return;
    await this.audit(request.requester, `${request.kind}.${outcome.ok ? 'succeeded' : 'failed'}`, done, {
      summary: outcome.summary,
      rolledBack: outcome.rolledBack,
      url: outcome.url,
    });
    await this.refresh(done);
  }

  /**
   * Requests whose process died mid-run (no heartbeat for `staleMs`), or that were approved but
   * never started, end as failed and say so: the change may be partly applied.
   */
  async recoverInterrupted(staleMs: number): Promise<number> {
    const { store, clock } = this.deps;
    const cutoff = clock.now().getTime() - staleMs;
    let recovered = 0;
    for (const req of await store.listRequests({ states: ['running', 'approved'] })) {
      const seen = (req.heartbeatAt ?? req.updatedAt).getTime();
      if (seen > cutoff) continue;
      const summary =
        req.kind === TAIL_KIND
          ? 'This log tail ended: the opsdeck replica running it stopped. Start it again with `/logs … --follow`.'
          : req.state === 'running'
            ? `Interrupted: opsdeck stopped while this was running, so it may be partly applied. Check \`/ops status ${req.service} ${req.env}\`.`
            : 'Interrupted: approved, but opsdeck stopped before it started. Nothing was changed; run the command again.';
      const failed = await store.transitionRequest(
        req.id,
        [req.state],
        'failed',
        { outcome: { summary } },
        clock.now(),
      );
      if (!failed) continue;
      recovered++;
      await this.audit('opsdeck', `${req.kind}.interrupted`, failed, {
        runner: req.runner,
        lastHeartbeat: req.heartbeatAt?.toISOString(),
      });
      await this.refresh(failed);
      await this.#tell(failed, `${mention(req.requester)} :warning: ${summary}`);
    }
    return recovered;
  }

  /**
   * Why a pending request no longer fits what runs now (it was planned against something else), or
   * undefined when it still does. Throws when what runs now cannot be read: approving blind could downgrade.
   */
  async staleness(req: StoredRequest): Promise<string | undefined> {
    const planned = paramsOf(req).basis;
    const kind = this.deps.kinds[req.kind];
    if (planned === undefined || !kind?.readBasis) return undefined;
    const now = await kind.readBasis({ request: req, backends: this.deps.backends });
    return now === planned
      ? undefined
      : `what runs in \`${req.env}\` changed since this was requested (planned against ${plain(planned)}; running now: ${plain(now)})`;
  }

  /** Ends a pending request as superseded, with the reason in its message and the audit log. */
  async supersede(
    req: StoredRequest,
    actor: string,
    summary: string,
    details: Record<string, unknown>,
  ): Promise<boolean> {
    const done = await this.deps.store.transitionRequest(
      req.id,
      ['pending'],
      'superseded',
      { outcome: { summary } },
      this.deps.clock.now(),
    );
    if (!done) return false;
    await this.audit(actor, 'request.superseded', done, { ...details, reason: summary });
    await this.refresh(done);
    return true;
  }

  /** A newer request for the same target and concern makes older pending ones moot: approving them would undo it. */
  async #supersedeOlder(newer: StoredRequest): Promise<void> {
    const concern = this.deps.kinds[newer.kind]?.concern;
    if (!concern) return;
    const older = (
      await this.deps.store.listRequests({ service: newer.service, env: newer.env, states: ['pending'] })
    ).filter((r) => r.id !== newer.id && this.deps.kinds[r.kind]?.concern === concern);
    for (const req of older) {
      const summary = `Superseded by a newer request from ${mention(newer.requester)} (\`${newer.id}\`).`;
      await this.supersede(req, newer.requester, summary, { supersededBy: newer.id });
    }
  }

  /** Says at once when nobody but the requester could approve, instead of letting the request wait to expire. */
  async #warnIfUnapprovable(req: StoredRequest, s: Submission): Promise<void> {
    const policy = this.deps.catalog.environments[req.env]?.approval;
    if (!policy || !this.deps.approversBesides) return;
    const others = await this.deps.approversBesides(req.env, req.requester).catch(() => undefined);
    if (others === undefined || others >= policy.required) return;
    const roles = policy.from.map((r) => `\`${r}\``).join(' or ');
    const text = `:warning: Nobody else can approve this: it needs ${policy.required} approval(s) from ${roles}, and ${others === 0 ? 'no one' : `only ${others} other person${others === 1 ? '' : 's'}`} besides ${mention(req.requester)} holds ${policy.from.length === 1 ? 'that role' : 'those roles'}. Add approvers to the role in opsdeck.yaml, or cancel it.`;
    await this.#tell(req, text);
    await s.reply
      .ephemeral(textMessage(text))
      .catch((err: unknown) => this.deps.log.warn({ err }, 'could not warn the requester'));
  }

  /**
   * Another change of the same service and environment in the way: one already executing (it has
   * a runner), or one that entered `running` at the same moment and comes first in a fixed order,
   * so two replicas racing always agree on which one goes ahead.
   */
  async #otherChange(req: StoredRequest): Promise<string | undefined> {
    const others = (
      await this.deps.store.listRequests({ service: req.service, env: req.env, states: ['running'] })
    ).filter((r) => r.id !== req.id && r.kind !== TAIL_KIND);
    const before = (r: StoredRequest) =>
      r.updatedAt.getTime() < req.updatedAt.getTime() ||
      (r.updatedAt.getTime() === req.updatedAt.getTime() && r.id < req.id);
    const blocker = others.find((r) => r.runner !== undefined || before(r));
    return blocker && `${paramsOf(blocker).title.toLowerCase()} by ${mention(blocker.requester)} is still running`;
  }

  async #tell(req: StoredRequest, text: string): Promise<void> {
    if (!req.message) return;
    await this.deps.chat
      .post(req.channel, textMessage(text), req.message.ts)
      .catch((err: unknown) => this.deps.log.warn({ err, requestId: req.id }, 'could not post to the thread'));
  }

  /** Re-renders the request message from the store, so every replica shows the same thing. */
  async refresh(request: StoredRequest): Promise<void> {
    // Tails keep their own message; only change requests are rendered from the store.
    if (!request.message || request.kind === TAIL_KIND) return;
    const approvals = await this.deps.store.listApprovals(request.id);
    await this.deps.chat
      .update(
        request.message.channel,
        request.message.ts,
        requestMessage(request, approvals, this.deps.catalog.environments[request.env]),
      )
      .catch((err: unknown) =>
        this.deps.log.warn({ err, requestId: request.id }, 'could not update the request message'),
      );
  }

  /** Returns false when the entry could not be written, so callers can fail closed. */
  async audit(
    actor: string,
    action: string,
    request: StoredRequest,
    details: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.deps.store.appendAudit(
        {
          actor,
          action,
          target: { service: request.service, env: request.env },
          requestId: request.id,
          details: redactDeep({ ...details, title: paramsOf(request).title }),
        },
        this.deps.clock.now(),
      );
      return true;
    } catch (err) {
      this.deps.log.error({ err, action, requestId: request.id }, 'audit write failed');
      return false;
    }
  }
}
