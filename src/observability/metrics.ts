import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type {
  AlertMetrics,
  CommandOutcome,
  FailureMetrics,
  LeaseKind,
  Metrics,
  RateLimitMetrics,
} from '../ports/metrics.ts';

/** Prometheus metrics, one registry per process (tests create several apps in one process). */
export class PromMetrics implements Metrics, FailureMetrics, RateLimitMetrics, AlertMetrics {
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

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'opsdeck_' });
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
