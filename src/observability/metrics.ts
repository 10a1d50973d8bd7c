import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type {
  AlertMetrics,
  ApprovalDecision,
  ChangeMetrics,
  ChangeOutcome,
  CommandOutcome,
  FailureMetrics,
  LeaseKind,
  LiveCounts,
  Metrics,
  RateLimitMetrics,
} from '../ports/metrics.ts';

/** Prometheus metrics, one registry per process (tests create several apps in one process). */
export class PromMetrics implements Metrics, FailureMetrics, RateLimitMetrics, AlertMetrics, ChangeMetrics {
  readonly registry = new Registry();
  readonly #commands = new Counter({
    name: 'opsdeck_commands_total',
    help: 'Commands handled, by command and outcome (ok, denied, invalid, failed).',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #ack = new Histogram({
    name: 'opsdeck_ack_seconds',
    help: 'Time from receiving a Slack request to acknowledging it. Slack gives up after 3 s.',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
    registers: [this.registry],
  });
  readonly #leasesLost = new Counter({
    name: 'opsdeck_leases_lost_total',
    help:
      'Leases this replica lost while holding them (change, tail, sweep): taken over by another replica, ' +
      'or not renewed for a whole term. A change that finishes anyway keeps its outcome beside the report.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly #sharedLimits = new Gauge({
    name: 'opsdeck_rate_limits_shared',
    help:
      'With REDIS_URL: 1 while the Slack, GitHub and CloudWatch rate limits are shared through Redis, ' +
      '0 while Redis is down and each replica keeps them alone.',
    registers: [this.registry],
  });
  readonly #limitedLocally = new Counter({
    name: 'opsdeck_rate_limited_locally_total',
    help:
      'Calls admitted by this replica alone because Redis could not be reached, by limit ' +
      '(replicas together may then exceed it).',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly #refused = new Counter({
    name: 'opsdeck_slack_requests_refused_total',
    help:
      'Requests to /slack/events refused before any work: ' +
      'bad signature, stale or future timestamp, malformed payload.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly #duplicates = new Counter({
    name: 'opsdeck_slack_duplicate_deliveries_total',
    help: 'Slash commands and clicks delivered again (Slack retries, replays) and answered without a second effect.',
    registers: [this.registry],
  });

  readonly #alerts = new Counter({
    name: 'opsdeck_alerts_total',
    help:
      'Alert notifications handled, by source (alertmanager, cloudwatch, generic) and outcome (posted, updated, ' +
      'resolved, summarised into a storm summary, unknown: resolved but never seen firing, ignored).',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #alertsRefused = new Counter({
    name: 'opsdeck_alerts_refused_total',
    help:
      'Requests to an alert endpoint refused before any work, by source and reason (unauthenticated, ' +
      'bad_signature, stale, invalid, topic_not_allowed, disabled, …). Nothing was posted for them.',
    labelNames: ['source', 'reason'] as const,
    registers: [this.registry],
  });

  readonly #changes = new Counter({
    name: 'opsdeck_changes_total',
    help:
      'Changes that ended, by kind (deploy, rollback, scale), environment and outcome: succeeded, failed, ' +
      'rolled_back (failed and rolled back automatically), expired (never approved), rejected.',
    labelNames: ['kind', 'env', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #approvalLatency = new Histogram({
    name: 'opsdeck_approval_latency_seconds',
    help:
      'Time from a request to its decision, by environment and decision (approved, emergency: approved by ' +
      'its requester alone, rejected).',
    labelNames: ['env', 'decision'] as const,
    buckets: [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200],
    registers: [this.registry],
  });
  readonly #restore = new Histogram({
    name: 'opsdeck_restore_seconds',
    help:
      'Time to restore service, by environment and how: automatic (a failed rollout rolled back, from its ' +
      'start to the end of the rollback) or rollback (a /rollback, from the request to its success).',
    labelNames: ['env', 'how'] as const,
    buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
    registers: [this.registry],
  });
  readonly #emergencies = new Counter({
    name: 'opsdeck_emergency_approvals_total',
    help: 'Changes approved by their requester alone on the emergency path, by environment.',
    labelNames: ['env'] as const,
    registers: [this.registry],
  });
  /** One read of the store per scrape, shared by every gauge below (prom-client collects them together). */
  #live: (() => Promise<LiveCounts>) | undefined;
  #reading: Promise<LiveCounts | undefined> | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'opsdeck_' });
    const live = (name: string, help: string, fill: (g: Gauge<string>, counts: LiveCounts) => void, env = false) =>
      new Gauge({
        name,
        help: `${help} Read from the store on each scrape: every replica reports the same value (use max, not sum).`,
        labelNames: env ? ['env'] : [],
        registers: [this.registry],
        collect: async function (this: Gauge<string>) {
          this.reset();
          const counts = await metrics.#liveCounts();
          if (counts) fill(this, counts);
        },
      });
    const metrics = this;
    const perEnv = (g: Gauge<string>, values: Record<string, number>) => {
      for (const [env, n] of Object.entries(values)) g.set({ env }, n);
    };
    live(
      'opsdeck_pending_approvals',
      'Requests waiting for approval, by environment.',
      (g, c) => perEnv(g, c.pendingApprovals),
      true,
    );
    live(
      'opsdeck_running_changes',
      'Changes running now, by environment.',
      (g, c) => perEnv(g, c.runningChanges),
      true,
    );
    live('opsdeck_follows_running', 'Log follows (/logs --follow) running now.', (g, c) => g.set(c.follows));
    live(
      'opsdeck_emergency_reviews_open',
      'Emergency self-approvals waiting for another approver to acknowledge them.',
      (g, c) => g.set(c.openReviews),
    );
    live(
      'opsdeck_emergency_reviews_overdue',
      'Emergency self-approvals past their review deadline and still not acknowledged.',
      (g, c) => g.set(c.overdueReviews),
    );
  }

  /** Where the gauges of what is open now read from; until it is set they report nothing. */
  countFrom(read: () => Promise<LiveCounts>): void {
    this.#live = read;
  }

  /** A failed read leaves the gauges empty for that scrape: no number is better than a wrong one. */
  #liveCounts(): Promise<LiveCounts | undefined> {
    const read = this.#live;
    if (!read) return Promise.resolve(undefined);
    this.#reading ??= read()
      .catch(() => undefined)
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
  }

  changeEnded(kind: string, env: string, outcome: ChangeOutcome): void {
    this.#changes.inc({ kind, env, outcome });
  }

  approvalDecided(env: string, decision: ApprovalDecision, seconds: number): void {
    this.#approvalLatency.observe({ env, decision }, seconds);
    if (decision === 'emergency') this.#emergencies.inc({ env });
  }

  restored(env: string, how: 'automatic' | 'rollback', seconds: number): void {
    this.#restore.observe({ env, how }, seconds);
  }

  commandFinished(command: string, outcome: CommandOutcome): void {
    this.#commands.inc({ command, outcome });
  }

  acked(kind: 'command' | 'action', seconds: number): void {
    this.#ack.observe({ kind }, seconds);
  }

  slackRequestRefused(reason: string): void {
    this.#refused.inc({ reason });
  }

  duplicateDelivery(): void {
    this.#duplicates.inc();
  }

  leaseLost(kind: LeaseKind): void {
    this.#leasesLost.inc({ kind });
  }

  sharedLimits(up: boolean): void {
    this.#sharedLimits.set(up ? 1 : 0);
  }

  limitedLocally(limit: string): void {
    this.#limitedLocally.inc({ limit });
  }

  alertHandled(source: string, outcome: string): void {
    this.#alerts.inc({ source, outcome });
  }

  alertRefused(source: string, reason: string): void {
    this.#alertsRefused.inc({ source, reason });
  }
}
