import type { Backends, DeployOutcome } from '../ports/backends.ts';
import type { Chat, Replier } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { FailureMetrics } from '../ports/metrics.ts';
import type { Store, StoredRequest } from '../ports/store.ts';
import type { Catalog } from './catalog.ts';
import { paramsOf, requestHash, TAIL_KIND, type ChangePlan, type Executor, type RequestParams } from './change.ts';
import { parseDuration } from './duration.ts';
import { heartbeatFailed } from './heartbeat.ts';
import { postFailure } from './post-failure.ts';
import { mention } from './format.ts';
import { newId } from './ids.ts';
import { textMessage } from './message.ts';
import { redact, redactDeep } from './redact.ts';
import { requestMessage } from './request-view.ts';
import { progressReporter } from './progress.ts';

export interface ChangeFlowDeps {
  store: Store;
  chat: Chat;
  clock: Clock;
  catalog: Catalog;
  backends: Backends;
  executors: Readonly<Record<string, Executor>>;
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
      title: plan.title, headline: plan.headline, fields: plan.fields, binding: plan.binding, exec: plan.exec,
      warnings: plan.warnings ?? [], forced: s.forced, direct: !env?.approval,
    };
    const now = clock.now();
    if (s.dryRun) {
      const preview = requestMessage({ id: 'dry-run', kind: plan.kind, service: plan.service, env: plan.env, requester: s.requester, channel: s.channel, params: { ...params, direct: true } as unknown as Record<string, unknown>, hash: '', createdAt: now, updatedAt: now, state: 'pending', version: 0 }, [], undefined);
      const gate = env?.approval ? `It would need ${env.approval.required} approval(s) from ${env.approval.from.map((r) => `\`${r}\``).join(' or ')}.` : 'It would run straight away.';
      await s.reply.ephemeral({ text: `Dry run: ${plan.title}`, blocks: [{ type: 'context', text: `*Dry run*: nothing was changed. ${gate}` }, ...(preview.blocks ?? []).slice(0, -1)] });
      return;
    }
    const expiresIn = env?.approval ? parseDuration(env.approval.expiresIn) : undefined;
    const request = await store.createRequest({
      id: newId('req'), kind: plan.kind, service: plan.service, env: plan.env, requester: s.requester, channel: s.channel,
      params: params as unknown as Record<string, unknown>, hash: requestHash(plan.kind, plan.service, plan.env, params),
      createdAt: now, expiresAt: expiresIn ? new Date(now.getTime() + expiresIn) : undefined,
    });
    const written = await this.audit(s.requester, `${plan.kind}.requested`, request, { ...plan.binding, invocationId: s.invocationId, forced: s.forced });
    const breakglass = !s.forced || (await this.audit(s.requester, 'breakglass.used', request, { passed: s.forced }));
    if (!written || !breakglass) {
      await store.transitionRequest(request.id, ['pending'], 'failed', { outcome: { summary: 'Refused: the audit log cannot be written.' } });
      await s.reply.ephemeral(textMessage(`:no_entry: Refused: the audit log cannot be written, so nothing was changed (ref \`${request.id}\`).`));
      return;
    }
    let ts: string;
    try {
      ts = (await chat.post(s.channel, requestMessage(request, [], env))).ts;
    } catch (err) {
      this.deps.log.error({ err, requestId: request.id }, 'could not post the request');
      const failure = postFailure(err, request.id);
      await store.transitionRequest(request.id, ['pending'], 'failed', { outcome: { summary: failure.summary } });
      await s.reply.ephemeral(textMessage(failure.reply));
      return;
    }
    await store.setRequestMessage(request.id, { channel: s.channel, ts });
    if (s.forced && s.notify.length) {
      await chat.post(s.channel, textMessage(`:rotating_light: Break-glass request by ${mention(s.requester)}: ${s.notify.join(' ')} please review.`), ts).catch((err: unknown) => this.deps.log.warn({ err }, 'could not notify approvers'));
    }
    if (!env?.approval) {
      const approved = await store.transitionRequest(request.id, ['pending'], 'approved', undefined, clock.now());
      if (approved) await this.run(approved);
    }
  }

  /** Runs an approved request; only the caller that wins approved → running does anything. */
  async run(request: StoredRequest): Promise<void> {
    const { store, clock, backends, executors, log } = this.deps;
    const running = await store.transitionRequest(request.id, ['approved'], 'running', undefined, clock.now());
    if (!running) return;
    const reqLog = log.child({ requestId: running.id, kind: running.kind, service: running.service, env: running.env });
    const busy = await this.#otherChange(running);
    if (busy) {
      await this.finish(running, { ok: false, summary: `Not started: ${busy}. Nothing was changed; run the command again when it is done.` });
      return;
    }
    // The heartbeat claims the target for this run and lets any replica notice if its process dies.
    await store.heartbeat(running.id, this.#runner, clock.now());
    if (!(await this.audit(running.requester, `${running.kind}.started`, running, {}))) {
      await this.finish(running, { ok: false, summary: 'Refused: the audit log cannot be written, so nothing was changed.' });
      return;
    }
    const beat = setInterval(() => void store.heartbeat(running.id, this.#runner, clock.now())
      .catch((err: unknown) => heartbeatFailed(reqLog.child({ runner: this.#runner }), this.deps.metrics, 'change', err)), this.#heartbeatMs);
    beat.unref();
    void this.refresh(running);
    const progress = progressReporter({ chat: this.deps.chat, channel: running.channel, threadTs: running.message?.ts, clock, minGapMs: this.deps.progressIntervalMs ?? 1000, log: reqLog });
    let outcome: DeployOutcome;
    try {
      const executor = executors[running.kind];
      if (!executor) throw new Error(`no executor for ${running.kind}`);
      outcome = await executor({ request: running, exec: paramsOf(running).exec, progress: progress.report, backends, log: reqLog });
    } catch (err) {
      reqLog.error({ err }, 'change failed');
      outcome = { ok: false, summary: redact(`${paramsOf(running).title} failed: ${(err as Error).message}`) };
    } finally {
      clearInterval(beat);
    }
    // The store and the audit log first: a slow or failing Slack must not hold back the outcome.
    await this.finish(running, outcome);
    await progress.close(`${outcome.ok ? ':white_check_mark:' : ':x:'} ${outcome.summary}${outcome.url ? ` (<${outcome.url}|details>)` : ''}`);
    await this.#tell(running, `${mention(running.requester)} ${outcome.ok ? 'done' : 'failed'}: ${outcome.summary}`);
  }

  async finish(request: StoredRequest, outcome: DeployOutcome): Promise<void> {
    const state = outcome.ok ? 'succeeded' : 'failed';
    const done = await this.deps.store.transitionRequest(request.id, ['running'], state, { outcome: { summary: outcome.summary, url: outcome.url, rolledBack: outcome.rolledBack } }, this.deps.clock.now());
    if (!done) return;
    await this.audit(request.requester, `${request.kind}.${outcome.ok ? 'succeeded' : 'failed'}`, done, { summary: outcome.summary, rolledBack: outcome.rolledBack, url: outcome.url });
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
      const summary = req.kind === TAIL_KIND
        ? 'This log tail ended: the opsdeck replica running it stopped. Start it again with `/logs … --follow`.'
        : req.state === 'running'
        ? `Interrupted: opsdeck stopped while this was running, so it may be partly applied. Check \`/ops status ${req.service} ${req.env}\`.`
        : 'Interrupted: approved, but opsdeck stopped before it started. Nothing was changed; run the command again.';
      const failed = await store.transitionRequest(req.id, [req.state], 'failed', { outcome: { summary } }, clock.now());
      if (!failed) continue;
      recovered++;
      await this.audit('opsdeck', `${req.kind}.interrupted`, failed, { runner: req.runner, lastHeartbeat: req.heartbeatAt?.toISOString() });
      await this.refresh(failed);
      await this.#tell(failed, `${mention(req.requester)} :warning: ${summary}`);
    }
    return recovered;
  }

  /**
   * Another change of the same service and environment in the way: one already executing (it has
   * a runner), or one that entered `running` at the same moment and comes first in a fixed order,
   * so two replicas racing always agree on which one goes ahead.
   */
  async #otherChange(req: StoredRequest): Promise<string | undefined> {
    const others = (await this.deps.store.listRequests({ service: req.service, env: req.env, states: ['running'] })).filter((r) => r.id !== req.id && r.kind !== TAIL_KIND);
    const before = (r: StoredRequest) => r.updatedAt.getTime() < req.updatedAt.getTime() || (r.updatedAt.getTime() === req.updatedAt.getTime() && r.id < req.id);
    const blocker = others.find((r) => r.runner !== undefined || before(r));
    return blocker && `${paramsOf(blocker).title.toLowerCase()} by ${mention(blocker.requester)} is still running`;
  }

  async #tell(req: StoredRequest, text: string): Promise<void> {
    if (!req.message) return;
    await this.deps.chat.post(req.channel, textMessage(text), req.message.ts).catch((err: unknown) => this.deps.log.warn({ err, requestId: req.id }, 'could not post to the thread'));
  }

  /** Re-renders the request message from the store, so every replica shows the same thing. */
  async refresh(request: StoredRequest): Promise<void> {
    // Tails keep their own message; only change requests are rendered from the store.
    if (!request.message || request.kind === TAIL_KIND) return;
    const approvals = await this.deps.store.listApprovals(request.id);
    await this.deps.chat
      .update(request.message.channel, request.message.ts, requestMessage(request, approvals, this.deps.catalog.environments[request.env]))
      .catch((err: unknown) => this.deps.log.warn({ err, requestId: request.id }, 'could not update the request message'));
  }

  /** Returns false when the entry could not be written, so callers can fail closed. */
  async audit(actor: string, action: string, request: StoredRequest, details: Record<string, unknown>): Promise<boolean> {
    try {
      await this.deps.store.appendAudit({ actor, action, target: { service: request.service, env: request.env }, requestId: request.id, details: redactDeep({ ...details, title: paramsOf(request).title }) }, this.deps.clock.now());
      return true;
    } catch (err) {
      this.deps.log.error({ err, action, requestId: request.id }, 'audit write failed');
      return false;
    }
  }
}
