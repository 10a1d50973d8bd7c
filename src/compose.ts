import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { actions, changeKinds, commands } from '../commands/index.ts';
import { GitHubCommitChecks } from './adapters/github/index.ts';
import { PostgresStore } from './adapters/store-postgres/postgres-store.ts';
import { SqliteStore } from './adapters/store-sqlite/sqlite-store.ts';
import type { Settings } from './config/settings.ts';
import type { OpsdeckConfig } from './config/schema.ts';
import { createChangeMachinery } from './compose/changes.ts';
import { AuditLog } from './core/audit-log.ts';
import type { Capabilities } from './core/capabilities.ts';
import { Dispatcher } from './core/dispatch.ts';
import { Redis } from 'ioredis';
import { createBackends, type BackendTuning } from './compose/backends.ts';
import { backendClients, type ClientTuning } from './compose/clients.ts';
import { configRedactor, createLogSources, logCenter, type LogTuning } from './compose/logs.ts';
import { TailManager } from './core/logs/tail-manager.ts';
import { RateLimitedChat } from './slack/rate-limited-chat.ts';
import { createRunbookLibrary } from './compose/runbooks.ts';
import { SlackChat } from './slack/chat.ts';
import { Policy } from './core/policy.ts';
import { Registry } from './core/registry.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import type { Logger } from './ports/logger.ts';
import type { Store } from './ports/store.ts';
import { healthRoutes } from './observability/health.ts';
import { PromMetrics } from './observability/metrics.ts';
import { createSlackApp, type SlackConnection } from './slack/app.ts';
import { SlackDirectory } from './slack/directory.ts';
import { SlackReadiness } from './slack/readiness.ts';
import { preflight } from './compose/preflight.ts';

export interface Opsdeck {
  /** The HTTP port actually bound (PORT may be 0 in tests). */
  readonly port: number;
  stop(): Promise<void>;
}

export interface ComposeOptions {
  config: OpsdeckConfig;
  settings: Settings;
  log: Logger;
  /** Every time the bot reads or waits on; default the system clock. */
  clock?: Clock;
  /** How long group memberships are trusted before asking Slack again. */
  directoryTtlMs?: number;
  /** Kubeconfig YAML; default: KUBECONFIG, ~/.kube/config or the in-cluster service account. */
  kubeconfig?: string;
  /** Poll intervals and timeouts of the backends (tests shorten them). */
  tuning?: ClientTuning &
    BackendTuning &
    LogTuning & {
      /** Minimum gap between posts in one channel (Slack: ~1 s); tests shorten it. */
      chatGapMs?: number;
      workingNoticeMs?: number;
      readinessCheckMs?: number;
      expirySweepMs?: number;
      progressIntervalMs?: number;
      heartbeatMs?: number;
      shutdownGraceMs?: number;
    };
}

// Longer than Slack's 5-minute signature window, so every replay it would accept is recognised.
const DELIVERY_MEMORY_MS = 15 * 60_000;

/**
 * Picks the store from the environment: PostgreSQL when DATABASE_URL is set (shared by replicas; its
 * schema is migrated here), else SQLite on disk.
 */
export async function openStore(
  settings: Pick<Settings, 'databaseUrl' | 'dataDir'>,
  clock: Clock,
  log?: Logger,
): Promise<Store> {
  if (settings.databaseUrl) {
    return PostgresStore.open(settings.databaseUrl, clock, {
      onIdleError: (err) => log?.warn({ err }, 'an idle PostgreSQL connection failed; the pool opens another'),
    });
  }
  return SqliteStore.open(join(settings.dataDir, 'opsdeck.db'), clock);
}

/** The composition root: the only place that picks adapters and builds SDK clients. */
export async function startOpsdeck(opts: ComposeOptions): Promise<Opsdeck> {
  const { config, settings, log } = opts;
  if (settings.slack.mode === 'none') {
    throw new Error(
      'No Slack credentials: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP mode), ' +
        'or SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode).',
    );
  }
  const connection: SlackConnection = settings.slack;
  const clock = opts.clock ?? systemClock;
  // Config rules (`logs.redact`) join the built-in ones on every way out: chat, files, audit.
  const redactor = configRedactor(config);
  const store = await openStore(settings, clock, log.child({ component: 'store' }));
  const metrics = new PromMetrics();
  const slackClient = new WebClient(connection.botToken, {
    ...(connection.apiUrl ? { slackApiUrl: connection.apiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    timeout: 10_000,
  });
  // Its own client without retries: a readiness probe must answer for now, not after back-off.
  const probeClient = new WebClient(connection.botToken, {
    ...(connection.apiUrl ? { slackApiUrl: connection.apiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: 5000,
  });
  const slackReadiness = new SlackReadiness(probeClient, {
    log: log.child({ component: 'readiness' }),
    intervalMs: opts.tuning?.readinessCheckMs ?? 30_000,
  });
  const directory = new SlackDirectory(slackClient, {
    ttlMs: opts.directoryTtlMs ?? 5 * 60_000,
    clock,
    log: log.child({ component: 'directory' }),
  });
  const registry = new Registry(commands);
  const policy = new Policy(config.roles, directory);
  const heartbeatMs = opts.tuning?.heartbeatMs ?? 10_000;
  // One client per backend, shared by deployers, scalers, log sources, runbooks and the start-up check.
  const clients = backendClients({ config, settings, log, kubeconfigYaml: opts.kubeconfig, tuning: opts.tuning });
  const backends = createBackends({ config, store, log, clients, clock, tuning: opts.tuning });
  // With REDIS_URL every replica shares each channel's posting budget (~1 message per second).
  const redis = settings.redisUrl
    ? new Redis(settings.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 })
    : undefined;
  const chat = new RateLimitedChat(new SlackChat(slackClient, redactor), {
    clock,
    minGapMs: opts.tuning?.chatGapMs,
    log: log.child({ component: 'chat' }),
    metrics,
    ...(redis ? { redis } : {}),
  });
  const audit = new AuditLog({ store, clock, redactor, log: log.child({ component: 'audit' }) });
  const changes = createChangeMachinery({
    config,
    store,
    chat,
    clock,
    backends,
    kinds: changeKinds,
    audit,
    policy,
    directory,
    log,
    metrics,
    heartbeatMs,
    progressIntervalMs: opts.tuning?.progressIntervalMs,
  });
  const runbooks = createRunbookLibrary({ config, clients, log, clock, families: registry.families() });
  const tails = new TailManager({
    tails: store,
    chat,
    clock,
    log: log.child({ component: 'tails' }),
    audit,
    redactor,
    heartbeatMs,
    metrics,
  });
  const logs = logCenter(
    config,
    createLogSources({ config, log, clients, clock, tuning: opts.tuning }),
    tails,
    chat,
    redactor,
  );
  const capabilities: Capabilities = {
    catalog: config,
    clock,
    permissions: policy,
    directory,
    commands: registry,
    locks: store,
    auditTrail: store,
    requests: store,
    tails: store,
    backends,
    commitChecks: new GitHubCommitChecks(clients.github()),
    runbooks,
    logs,
    audit,
  };
  const dispatcher = new Dispatcher({
    capabilities,
    policy,
    directory,
    changes: changes.flow,
    actions: [...changes.approvals.actions(), ...actions],
    log,
    metrics,
    workingNoticeMs: opts.tuning?.workingNoticeMs,
  });
  // Every replica sweeps; compare-and-set makes each expiry and each recovery happen once.
  const sweeper = setInterval(() => {
    void changes.sweep();
    tails.recoverInterrupted(heartbeatMs * 6).catch((err: unknown) => log.warn({ err }, 'recovering tails failed'));
  }, opts.tuning?.expirySweepMs ?? 15_000);
  sweeper.unref();

  let stopping = false;
  const slack = createSlackApp({
    connection,
    port: settings.port,
    dispatcher,
    metrics,
    routes: healthRoutes({
      store,
      metrics,
      log,
      stopping: () => stopping,
      slackProblem: () => (slackReadiness.state.ok ? undefined : slackReadiness.state.problem),
    }),
    log: log.child({ component: 'slack' }),
    clock,
    identity: () => slackReadiness.identity,
    redactor,
    firstDelivery: (key) => {
      const now = clock.now();
      return store.claimDelivery(`slack:${key}`, now, new Date(now.getTime() - DELIVERY_MEMORY_MS));
    },
  });
  let port: number;
  try {
    port = await slack.start();
  } catch (err) {
    clearInterval(sweeper);
    await store.close();
    throw err;
  }
  log.info({ mode: connection.mode, port }, 'opsdeck started');
  // Neither check holds up the start: /healthz answers at once, /readyz once Slack accepts the token.
  void slackReadiness.start();
  void preflight(config, settings, clients, log.child({ component: 'preflight' })).catch((err: unknown) =>
    log.warn({ err }, 'backend checks failed'),
  );

  return {
    port,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(sweeper);
      slackReadiness.stop();
      log.info({}, 'stopping: finishing running commands');
      await slack.stop().catch((err: unknown) => log.warn({ err }, 'error while stopping the Slack receiver'));
      await tails.stopAll();
      await dispatcher.drain(opts.tuning?.shutdownGraceMs ?? 25_000);
      redis?.disconnect();
      await store.close();
      log.info({}, 'stopped');
    },
  };
}
