import { createHash } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { actions, changeKinds, commands } from '../commands/index.ts';
import type { Settings } from './config/settings.ts';
import type { OpsdeckConfig } from './config/schema.ts';
import { type AlertTuning, createAlertIntake } from './compose/alerts.ts';
import { createChangeMachinery } from './compose/changes.ts';
import { AuditLog } from './core/audit-log.ts';
import type { Capabilities } from './core/capabilities.ts';
import { Dispatcher } from './core/dispatch.ts';
import { newId } from './core/ids.ts';
import { Sweeper } from './core/sweep.ts';
import { SharedLimits } from './adapters/rate-limits/index.ts';
import { createBackends, type BackendTuning } from './compose/backends.ts';
import { loadBackendModules } from './compose/backend-modules.ts';
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
import { readLiveCounts } from './observability/live-counts.ts';
import { PromMetrics } from './observability/metrics.ts';
import { createSlackApp, type SlackConnection } from './slack/app.ts';
import { SlackDirectory } from './slack/directory.ts';
import { SlackReadiness } from './slack/readiness.ts';
import { boltLogger } from './slack/bolt-logger.ts';
import { preflight } from './compose/preflight.ts';
import { openStore } from './compose/store.ts';
import { createSurfaces } from './compose/surfaces.ts';

export interface Opsdeck {
  /** The HTTP port actually bound (PORT may be 0 in tests). */
  readonly port: number;
  stop(): Promise<void>;
}

export interface ComposeOptions {
  config: OpsdeckConfig;
  settings: Settings;
  log: Logger;
  /** The store, already opening (`opsdeck start` opens it while the bot loads); default: opened here. */
  store?: Promise<Store>;
  /** Every time the bot reads or waits on; default the system clock. */
  clock?: Clock;
  /** How long group memberships are trusted before asking Slack again. */
  directoryTtlMs?: number;
  /** Kubeconfig YAML; default: KUBECONFIG, ~/.kube/config or the in-cluster service account. */
  kubeconfig?: string;
  /** The alert intake's test seams: where SNS certificates may come from, storm summary timing. */
  alerts?: AlertTuning;
  /** Poll intervals and timeouts of the backends (tests shorten them). */
  tuning?: ClientTuning &
    BackendTuning &
    LogTuning & {
      /** Minimum gap between posts in one channel (Slack: ~1 s); tests shorten it. */
      chatGapMs?: number;
      /** chat.update calls at once and per 5 s (Slack's Tier 3: 10 and 4); tests widen it. */
      chatUpdateBudget?: { burst: number; every5s: number };
      /** Prefix of the rate limits' Redis keys (default `opsdeck-`): replicas of one bot share it. */
      rateLimitPrefix?: string;
      /** How often Redis is pinged to decide whether limits are shared (default 2 s). */
      rateLimitWatchdogMs?: number;
      workingNoticeMs?: number;
      /** Changes within this long make one App Home publish per person (default 2 s). */
      homeCoalesceMs?: number;
      /** How often App Home looks at the shared audit log for other replicas' changes (default 5 s). */
      homeWatchMs?: number;
      readinessCheckMs?: number;
      expirySweepMs?: number;
      progressIntervalMs?: number;
      /** How long a running change's or tail's lease lasts unless renewed (every third of it). */
      leaseMs?: number;
      shutdownGraceMs?: number;
    };
}

// Without GitHub no service names a repository, so no gate reads checks; if one does, it says why.
const noCommitChecks = {
  read: async (): Promise<never> => {
    throw new Error('GitHub is not configured: add a github section to the service');
  },
};

// Longer than Slack's 5-minute signature window, so every replay it would accept is recognised.
const DELIVERY_MEMORY_MS = 15 * 60_000;

/** The composition root: the only place that picks adapters and builds SDK clients. */
export async function startOpsdeck(opts: ComposeOptions): Promise<Opsdeck> {
  // What this start opened, closed in reverse when it fails before it serves: nothing of it may keep the
  // process alive, so `opsdeck start` exits with the error (a bad kubeconfig, a refused app token, …).
  const opened: (() => unknown)[] = [];
  try {
    return await composeAndServe(opts, opened);
  } catch (err) {
    for (const close of opened.toReversed()) {
      await Promise.resolve()
        .then(close)
        .catch((closeErr: unknown) => opts.log.warn({ err: closeErr }, 'closing after a failed start failed'));
    }
    throw err;
  }
}

async function composeAndServe(opts: ComposeOptions, opened: (() => unknown)[]): Promise<Opsdeck> {
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
  const slackClient = new WebClient(connection.botToken, {
    ...(connection.apiUrl ? { slackApiUrl: connection.apiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    timeout: 10_000,
    logger: boltLogger(log, 'slack-api'),
  });
  // Its own client without retries: a readiness probe must answer for now, not after back-off.
  const probeClient = new WebClient(connection.botToken, {
    ...(connection.apiUrl ? { slackApiUrl: connection.apiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: 5000,
    logger: boltLogger(log, 'slack-api'),
  });
  const slackReadiness = new SlackReadiness(probeClient, {
    log: log.child({ component: 'readiness' }),
    intervalMs: opts.tuning?.readinessCheckMs ?? 30_000,
  });
  // Asked now; /readyz waits for the answer, the start does not. In `opsdeck start` (the bundle on Node 24, the
  // store already open) the request itself goes out only as the bot begins to listen, as Node loads the
  // backends' SDKs (loadBackendModules, below) without yielding. Yielding to the event loop before that load
  // sent it sooner, but /readyz answered no sooner (fifteen alternating starts), so the start does not yield.
  void slackReadiness.start();
  opened.push(() => slackReadiness.stop());
  const store = await (opts.store ?? openStore(settings, clock, log.child({ component: 'store' })));
  opened.push(() => store.close());
  const metrics = new PromMetrics();
  // Gauges of what is open now come from the store all replicas share, read on each scrape.
  metrics.countFrom(() => readLiveCounts(store, clock));
  const directory = new SlackDirectory(slackClient, {
    ttlMs: opts.directoryTtlMs ?? 5 * 60_000,
    clock,
    log: log.child({ component: 'directory' }),
  });
  const registry = new Registry(commands, config.slack?.commands);
  const policy = new Policy(config.roles, directory);
  const leaseMs = opts.tuning?.leaseMs ?? 30_000;
  // This process, as the holder of leases: of the changes it runs or takes over, and of the sweep.
  const runner = newId('run');
  // With REDIS_URL every replica shares the Slack, GitHub and CloudWatch limits; without, each keeps its own.
  // Each backend's SDK is loaded only when the config uses it.
  const modules = await loadBackendModules(config, settings);
  const limits = await SharedLimits.open({
    redisUrl: settings.redisUrl,
    log: log.child({ component: 'rate-limits' }),
    metrics,
    prefix: opts.tuning?.rateLimitPrefix,
    watchdogMs: opts.tuning?.rateLimitWatchdogMs,
  });
  opened.push(() => limits.stop());
  // One client per backend, shared by deployers, scalers, log sources, runbooks and the start-up check.
  const clients = backendClients({
    config,
    modules,
    settings,
    log,
    kubeconfigYaml: opts.kubeconfig,
    tuning: opts.tuning,
    limits,
    clock,
    // Each Live Tail session is owned by the replica holding its lease and shared with the others over Redis.
    liveTailSharing: {
      leases: store,
      holder: runner,
      clock,
      leaseMs,
      prefix: opts.tuning?.rateLimitPrefix ?? 'opsdeck-',
    },
  });
  opened.push(() => clients.stop());
  const backends = await createBackends({ config, modules, store, log, clients, clock, tuning: opts.tuning });
  const chat = new RateLimitedChat(new SlackChat(slackClient, redactor), {
    limits,
    // One bot token is one workspace; hashed, as the id names Redis keys.
    workspace: createHash('sha256').update(connection.botToken).digest('hex').slice(0, 12),
    minGapMs: opts.tuning?.chatGapMs,
    updateBudget: opts.tuning?.chatUpdateBudget,
  });
  const audit = new AuditLog({ store, clock, redactor, log: log.child({ component: 'audit' }) });
  const commitChecks = modules.github ? new modules.github.GitHubCommitChecks(clients.github()) : noCommitChecks;
  const changes = createChangeMachinery({
    config,
    store,
    chat,
    clock,
    backends,
    commitChecks,
    kinds: changeKinds,
    audit,
    policy,
    directory,
    log,
    metrics,
    runner,
    leaseMs,
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
    leaseMs,
    metrics,
  });
  const logs = logCenter(
    config,
    createLogSources({ config, modules, log, clients, clock, tuning: opts.tuning }),
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
    alerts: store,
    reviews: store,
    requests: store,
    tails: store,
    backends,
    commitChecks,
    runbooks,
    logs,
    audit,
  };
  const alerting = createAlertIntake({
    config,
    settings,
    store,
    chat,
    runbooks,
    clock,
    log,
    metrics,
    tuning: opts.alerts,
  });
  const dispatcher = new Dispatcher({
    capabilities,
    policy,
    directory,
    changes: changes.flow,
    actions: [...changes.approvals.actions(), ...changes.reviews.actions(), ...actions],
    log,
    metrics,
    workingNoticeMs: opts.tuning?.workingNoticeMs,
  });
  // One replica at a time sweeps, under the `sweep` lease; compare-and-set makes each expiry and recovery once.
  const sweepMs = opts.tuning?.expirySweepMs ?? 15_000;
  const sweep = new Sweeper({
    leases: store,
    log: log.child({ component: 'sweep' }),
    metrics,
    holder: runner,
    leaseMs: sweepMs * 3,
    work: async () => {
      await changes.sweep();
      await tails.recoverInterrupted().catch((err: unknown) => log.warn({ err }, 'recovering tails failed'));
    },
  });
  const sweeper = setInterval(() => void sweep.tick(), sweepMs);
  sweeper.unref();
  opened.push(() => clearInterval(sweeper));

  const surfaces = createSurfaces({
    config,
    client: slackClient,
    store,
    backends,
    policy,
    names: registry.names,
    audit,
    redactor,
    clock,
    log,
    homeCoalesceMs: opts.tuning?.homeCoalesceMs,
    homeWatchMs: opts.tuning?.homeWatchMs,
  });
  opened.push(() => surfaces.homes.stop());

  let stopping = false;
  const slack = createSlackApp({
    connection,
    port: settings.port,
    dispatcher,
    metrics,
    routes: [
      ...healthRoutes({
        store,
        metrics,
        log,
        stopping: () => stopping,
        slackProblem: () => (slackReadiness.state.ok ? undefined : slackReadiness.state.problem),
      }),
      ...(alerting?.routes ?? []),
    ],
    log: log.child({ component: 'slack' }),
    clock,
    identity: () => slackReadiness.identity,
    redactor,
    firstDelivery: (key) => {
      const now = clock.now();
      return store.claimDelivery(`slack:${key}`, now, new Date(now.getTime() - DELIVERY_MEMORY_MS));
    },
    surfaces: (once) => surfaces.surfaces(dispatcher, once),
  });
  // Socket Mode listens for the health routes before it connects: a refused app token leaves that server open.
  opened.push(() => slack.stop());
  const port = await slack.start();
  log.info({ mode: connection.mode, runner, port }, 'opsdeck started');
  // At once, not a round later: changes and tails whose replica died before this one started are reported.
  void sweep.tick();
  // The backend checks do not hold up the start: /healthz answers at once, /readyz once Slack accepts the token.
  void preflight(config, settings, clients, log.child({ component: 'preflight' })).catch((err: unknown) =>
    log.warn({ err }, 'backend checks failed'),
  );

  return {
    port,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(sweeper);
      surfaces.homes.stop();
      slackReadiness.stop();
      log.info({}, 'stopping: finishing running commands');
      await slack.stop().catch((err: unknown) => log.warn({ err }, 'error while stopping the Slack receiver'));
      await tails.stopAll();
      await dispatcher.drain(opts.tuning?.shutdownGraceMs ?? 25_000);
      await alerting?.intake.drain();
      await sweep.stop();
      await clients.stop();
      await limits.stop();
      await store.close();
      log.info({}, 'stopped');
    },
  };
}
