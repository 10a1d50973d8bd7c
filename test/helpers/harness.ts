import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { startOpsdeck, type Opsdeck } from '../../src/compose.ts';
import { parseConfig } from '../../src/config/load.ts';
import { readSettings } from '../../src/config/settings.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { DEFAULT_WORKSPACE, SlackEmulator, type StoredMessage } from '../../src/sandbox/slack/index.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-0000-bot-token';

/** The example config every test team uses unless a test brings its own. */
export async function exampleConfigText(): Promise<string> {
  return readFile(new URL('../../opsdeck.example.yaml', import.meta.url), 'utf8');
}

export interface Harness {
  slack: SlackEmulator;
  bot: Opsdeck;
  dataDir: string;
  logs: string[];
  baseUrl: string;
  /** Sends a signed slash command and waits for the first reply the user can see. */
  run(user: string, command: string, text: string, channel?: string): Promise<StoredMessage>;
  /** Opens the bot's store read-side, as `opsdeck audit` would. */
  openStore(): SqliteStore;
  auditCount(): Promise<number>;
  stop(): Promise<void>;
}

/** A real opsdeck in HTTP mode, talking to the Slack emulator over loopback. */
export async function startHarness(options: { configText?: string; directoryTtlMs?: number } = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'opsdeck-e2e-'));
  // Erin is in the workspace but holds no opsdeck role.
  const users = [...DEFAULT_WORKSPACE.users, { id: 'U0ERIN', name: 'erin', realName: 'Erin Example' }];
  const slack = await SlackEmulator.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN, workspace: { users } });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const settings = readSettings({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    OPSDECK_DATA_DIR: dataDir,
    PORT: '0',
  });
  const config = parseConfig(options.configText ?? (await exampleConfigText()));
  const bot = await startOpsdeck({ config, settings, log: createLogger('debug', sink), directoryTtlMs: options.directoryTtlMs });
  const baseUrl = `http://127.0.0.1:${bot.port}`;
  slack.setBotUrl(`${baseUrl}/slack/events`);

  const openStore = () => SqliteStore.open(join(dataDir, 'opsdeck.db'));
  return {
    slack,
    bot,
    dataDir,
    logs,
    baseUrl,
    openStore,
    async run(user, command, text, channel = 'C0DEPLOYS') {
      const before = new Set(slack.messages({ visibleTo: user }).map((m) => m.ts));
      const res = await slack.sendSlashCommand({ user, channel, command, text });
      if (res.status !== 200) throw new Error(`bot answered ${res.status}: ${res.body}`);
      return slack.waitFor(() => slack.messages({ visibleTo: user }).find((m) => !before.has(m.ts)));
    },
    async auditCount() {
      const store = openStore();
      try {
        return (await store.queryAudit({ limit: 100_000 })).length;
      } finally {
        await store.close();
      }
    },
    async stop() {
      await bot.stop();
      await slack.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** All text a message shows, blocks included, for assertions. */
export function textOf(message: StoredMessage): string {
  return [message.text, JSON.stringify(message.blocks)].join('\n');
}
