import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { type ComposeOptions, startOpsdeck, type Opsdeck } from '../../src/compose.ts';
import { parseConfig } from '../../src/config/load.ts';
import { readSettings } from '../../src/config/settings.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { GITHUB_TOKEN, type Backends as BackendWorld } from './backends.ts';
import { epochMs, pinnedClock, WEEKDAY } from './clock.ts';
import { DEFAULT_WORKSPACE, SlackEmulator, type StoredMessage } from '../../src/sandbox/slack/index.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-0000-bot-token';

/** The example config every test team uses unless a test brings its own. */
export async function exampleConfigText(): Promise<string> {
  return readFile(new URL('../../opsdeck.example.yaml', import.meta.url), 'utf8');
}

/** The example config with Erin as a second SRE (so two approvers can race) and images tagged by ref. */
export async function teamConfigText(): Promise<string> {
  return (
    (await exampleConfigText())
      .replace('members: [U0BOB, "@sre-oncall"]', 'members: [U0BOB, U0ERIN, "@sre-oncall"]')
      // Tag-named images keep the assertions readable; the example itself tags by commit sha.
      .replace('tag: sha', 'tag: ref')
  );
}

export interface Harness {
  /** The bot's clock (its backends' too). */
  clock: Clock;
  slack: SlackEmulator;
  bot: Opsdeck;
  dataDir: string;
  logs: string[];
  baseUrl: string;
  /** Stops the bot and starts a new one on the same store, as after a crash or a deploy of opsdeck. */
  restartBot(): Promise<void>;
  /** Sends a signed slash command and waits for the first reply the user can see. */
  run(user: string, command: string, text: string, channel?: string): Promise<StoredMessage>;
  /** Opens the bot's store read-side, as `opsdeck audit` would. */
  openStore(): SqliteStore;
  auditCount(): Promise<number>;
  stop(keepData?: boolean): Promise<void>;
}

/** A real opsdeck in HTTP mode, talking to the Slack emulator over loopback. */
export interface HarnessOptions {
  configText?: string;
  directoryTtlMs?: number;
  /** Reuse a data directory, e.g. to restart the bot on the same store. */
  dataDir?: string;
  /** Emulators to point the bot at; the bot runs on their clock. */
  backends?: BackendWorld;
  /** Without backends; default: a weekday outside every freeze in the example config, at real speed. */
  clock?: Clock;
  /** Minimum gap between posts per channel (default 20 ms to keep tests fast; Slack's is ~1 s). */
  chatGapMs?: number;
  /** Kubeconfig YAML for the bot (default: the backends' clusters, else the machine's kubeconfig). */
  kubeconfig?: string;
  /** How long a command may be silent before "working on it" is shown (default: opsdeck's 2 s). */
  workingNoticeMs?: number;
  /** Connect over Socket Mode (SLACK_APP_TOKEN) instead of receiving HTTP requests. */
  socketMode?: boolean;
  /** REDIS_URL for the bot. */
  redisUrl?: string;
  /** DATABASE_URL for the bot: the PostgreSQL store instead of SQLite in dataDir (`openStore` stays SQLite). */
  databaseUrl?: string;
  /** Overrides of the short test timings below. */
  tuning?: Partial<ComposeOptions['tuning']>;
  /** More environment for the bot (the alert endpoints' secrets). */
  env?: Record<string, string>;
  /** The alert intake's test seams (the SNS certificate host check). */
  alerts?: ComposeOptions['alerts'];
}

export const APP_TOKEN = 'xapp-1-test-app-token';
const WORKING = ':hourglass_flowing_sand: Working on it';

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  if (options.clock && options.backends && options.clock !== options.backends.clock) {
    throw new Error('startHarness: the bot and its backends must share one clock; pass it to startBackends only');
  }
  const clock = options.backends?.clock ?? options.clock ?? pinnedClock(WEEKDAY);
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'opsdeck-e2e-')));
  // Erin is in the workspace but holds no opsdeck role.
  const users = [...DEFAULT_WORKSPACE.users, { id: 'U0ERIN', name: 'erin', realName: 'Erin Example' }];
  const slack = await SlackEmulator.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    workspace: { users },
    // Slack and the bot share one clock, as they share real time: signatures are checked against it.
    now: epochMs(clock),
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const settings = readSettings({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    ...(options.socketMode ? { SLACK_APP_TOKEN: APP_TOKEN } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
    SLACK_API_URL: slack.apiUrl,
    OPSDECK_DATA_DIR: dataDir,
    PORT: '0',
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
    ...(options.backends
      ? {
          GITHUB_API_URL: options.backends.github.url,
          GITHUB_TOKEN,
          AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: options.backends.cloudwatch.url,
          AWS_REGION: 'us-east-1',
        }
      : {}),
  });
  const config = parseConfig(options.configText ?? (await exampleConfigText()));
  const boot = () =>
    startOpsdeck({
      config,
      settings,
      log: createLogger('debug', sink),
      directoryTtlMs: options.directoryTtlMs,
      clock,
      kubeconfig: options.kubeconfig ?? options.backends?.kubeconfig,
      alerts: { stormRefreshMs: 100, ...options.alerts },
      tuning: {
        workingNoticeMs: options.workingNoticeMs,
        readinessCheckMs: 100,
        pollMs: 20,
        requestTimeoutMs: 2000,
        rolloutTimeoutMs: 20_000,
        retryAfterBaseValue: 10,
        expirySweepMs: 50,
        progressIntervalMs: 0,
        leaseMs: 300,
        awsCredentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        chatGapMs: options.chatGapMs ?? 20,
        chatUpdateBudget: { burst: 1000, every5s: 1000 },
        // Tests run side by side on one Redis: each bot's limits are its own.
        rateLimitPrefix: `test-${randomBytes(6).toString('hex')}-`,
        rateLimitWatchdogMs: 200,
        ...options.tuning,
      },
    });
  let bot = await boot();
  const connect = async () => {
    if (options.socketMode) await slack.waitFor(() => slack.socketCount() === 1);
    else slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
  };
  await connect();

  const openStore = () => SqliteStore.open(join(dataDir, 'opsdeck.db'), clock);
  return {
    clock,
    slack,
    get bot() {
      return bot;
    },
    dataDir,
    logs,
    get baseUrl() {
      return `http://127.0.0.1:${bot.port}`;
    },
    async restartBot() {
      await bot.stop();
      bot = await boot();
      await connect();
    },
    openStore,
    async run(user, command, text, channel = 'C0DEPLOYS') {
      // Answers to a command come through its response_url; channel posts by others do not count, nor
      // does the "working on it" notice a slow machine may show before the answer.
      const replies = () =>
        slack.messages({ visibleTo: user }).filter((m) => m.source === 'response_url' && !m.text.startsWith(WORKING));
      const before = new Set(replies().map((m) => m.ts));
      const res = await slack.sendSlashCommand({ user, channel, command, text });
      if (res.status !== 200) throw new Error(`bot answered ${res.status}: ${res.body}`);
      return slack.waitFor(() => replies().find((m) => !before.has(m.ts)));
    },
    async auditCount() {
      const store = openStore();
      try {
        return (await store.queryAudit({ limit: 100_000 })).length;
      } finally {
        await store.close();
      }
    },
    async stop(keepData = false) {
      await bot.stop();
      await slack.close();
      if (!keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** All text a message shows, blocks included, for assertions. */
export function textOf(message: StoredMessage): string {
  return [message.text, JSON.stringify(message.blocks)].join('\n');
}
