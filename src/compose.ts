import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { actions, commands, executors } from '../commands/index.ts';
import { SqliteStore } from './adapters/store-sqlite/sqlite-store.ts';
import type { Settings } from './config/settings.ts';
import type { OpsdeckConfig } from './config/schema.ts';
import { Approvals } from './core/approvals.ts';
import { ChangeFlow } from './core/change-flow.ts';
import { Dispatcher } from './core/dispatch.ts';
import { Redis } from 'ioredis';
import { createBackends, lazyKubeConfig, type BackendTuning } from './compose/backends.ts';
import { createLogSources, logCenter, logRedactor, type LogTuning } from './compose/logs.ts';
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

export interface Opsdeck {
  /** The HTTP port actually bound (PORT may be 0 in tests). */
  readonly port: number;
  stop(): Promise<void>;
}

export interface ComposeOptions {
  config: OpsdeckConfig;
  settings: Settings;
  log: Logger;
  clock?: Clock;
  /** How long group memberships are trusted before asking Slack again. */
  directoryTtlMs?: number;
  /** Kubeconfig YAML; default: KUBECONFIG, ~/.kube/config or the in-cluster service account. */
  kubeconfig?: string;
  /** Poll intervals and timeouts of the backends (tests shorten them). */
  tuning?: BackendTuning & LogTuning & {
    /** Minimum gap between posts in one channel (Slack: ~1 s); tests shorten it. */
    chatGapMs?: number; expirySweepMs?: number; progressIntervalMs?: number; heartbeatMs?: number; shutdownGraceMs?: number };
}

/** Picks the store from the environment: PostgreSQL when DATABASE_URL is set, else SQLite on disk. */
export function openStore(settings: Pick<Settings, 'databaseUrl' | 'dataDir'>): Store {
  if (settings.databaseUrl) {
    throw new Error('DATABASE_URL is set, but this build of opsdeck has no PostgreSQL store yet; unset it to use the embedded SQLite store.');
  }
  return SqliteStore.open(join(settings.dataDir, 'opsdeck.db'));
}

/** The composition root: the only place that picks adapters and builds SDK clients. */
export async function startOpsdeck(opts: ComposeOptions): Promise<Opsdeck> {
  const { config, settings, log } = opts;
  if (settings.slack.mode === 'sandbox') {
    throw new Error('No Slack credentials: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP mode), or SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode).');
  }
  const connection: SlackConnection = settings.slack;
  const clock = opts.clock ?? systemClock;
  const store = openStore(settings);
  const metrics = new PromMetrics();
  const slackClient = new WebClient(connection.botToken, {
    ...(connection.apiUrl ? { slackApiUrl: connection.apiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    timeout: 10_000,
  });
  const directory = new SlackDirectory(slackClient, { ttlMs: opts.directoryTtlMs ?? 5 * 60_000, clock, log: log.child({ component: 'directory' }) });
  const registry = new Registry(commands);
  const policy = new Policy(config.roles, directory);
  const heartbeatMs = opts.tuning?.heartbeatMs ?? 10_000;
  const kube = lazyKubeConfig(opts.kubeconfig);
  const backends = createBackends({ config, settings, store, log, kube, tuning: opts.tuning });
  // With REDIS_URL every replica shares each channel's posting budget (~1 message per second).
  const redis = settings.redisUrl ? new Redis(settings.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 }) : undefined;
  const chat = new RateLimitedChat(new SlackChat(slackClient), {
    minGapMs: opts.tuning?.chatGapMs, log: log.child({ component: 'chat' }), metrics,
    ...(redis ? { redis } : {}),
  });
  const changes = new ChangeFlow({
    store, chat, clock, catalog: config, backends, executors,
    log: log.child({ component: 'changes' }), progressIntervalMs: opts.tuning?.progressIntervalMs, heartbeatMs, metrics,
  });
  const approvals = new Approvals(changes);
  const runbooks = createRunbookLibrary({ config, settings, log, families: registry.families() });
  const tails = new TailManager({ store, chat, clock, log: log.child({ component: 'tails' }), changes, redact: logRedactor(config), heartbeatMs, metrics });
  const logs = logCenter(config, createLogSources({ config, settings, log, kubeconfig: kube, tuning: opts.tuning }), tails, chat);
  const dispatcher = new Dispatcher({
    catalog: config, store, clock, policy, registry, directory, backends, changes, runbooks, logs, log, metrics,
    actions: [...approvals.actions(), ...actions],
  });
  // Every replica sweeps; compare-and-set makes each expiry happen once.
  const sweeper = setInterval(() => {
    approvals.expireDue().catch((err: unknown) => log.warn({ err }, 'expiring requests failed'));
    changes.recoverInterrupted(heartbeatMs * 6).catch((err: unknown) => log.warn({ err }, 'recovering interrupted changes failed'));
  }, opts.tuning?.expirySweepMs ?? 15_000);
  sweeper.unref();

  let stopping = false;
  const slack = createSlackApp({
    connection,
    port: settings.port,
    dispatcher,
    metrics,
    routes: healthRoutes({ store, metrics, log, stopping: () => stopping }),
    log: log.child({ component: 'slack' }),
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

  return {
    port,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(sweeper);
      log.info({}, 'stopping: finishing running commands');
      await slack.stop().catch((err: unknown) => log.warn({ err }, 'error while stopping the Slack receiver'));
      await tails.stopAll('stopped because opsdeck is shutting down');
      await dispatcher.drain(opts.tuning?.shutdownGraceMs ?? 25_000);
      redis?.disconnect();
      await store.close();
      log.info({}, 'stopped');
    },
  };
}
