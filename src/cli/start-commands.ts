import { openStore } from '../compose/store.ts';
import { readSettings } from '../config/settings.ts';
import { systemClock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { CliIo } from './io.ts';
import type { Running } from './sandbox-command.ts';

type Env = Readonly<Record<string, string | undefined>>;

export const NO_CREDENTIALS = [
  'opsdeck start: no Slack credentials in the environment. Set',
  '  SLACK_BOT_TOKEN (xoxb-…) and SLACK_SIGNING_SECRET  for HTTP mode (Slack posts to /slack/events), or',
  '  SLACK_BOT_TOKEN (xoxb-…) and SLACK_APP_TOKEN (xapp-…)  for Socket Mode.',
  'They come from your Slack app: see "Installing the Slack app" in README.md.',
  'To try opsdeck without Slack, run `npm start` (or `opsdeck sandbox`) in a source checkout.',
].join('\n');

/**
 * `opsdeck start`: the production command. It runs the bot or exits; it never falls back to the
 * sandbox, so a deployment whose secret is missing fails instead of starting emulators.
 */
export async function startCommand(io: CliIo, args: string[], env: Env): Promise<number | Running> {
  if (args.length) {
    io.err(
      `opsdeck start takes no arguments (got ${args.join(' ')}): settings come from the environment ` +
        '(PORT, OPSDECK_CONFIG, …; see opsdeck help)',
    );
    return 2;
  }
  const settings = readSettings(env);
  if (settings.slack.mode === 'none') {
    io.err(NO_CREDENTIALS);
    return 2;
  }
  // The store opens on a thread of its own (or connects to PostgreSQL) while the config and the rest of
  // the bot load: the modules are most of the start-up, so they are imported only after it began.
  let storeLog: Logger | undefined;
  const store = openStore(settings, systemClock, { warn: (obj, msg) => storeLog?.warn(obj, msg) });
  // A failure to open is reported where the store is awaited, by startOpsdeck, not as an unhandled rejection.
  store.catch(() => {});
  let loaded: Awaited<ReturnType<typeof loadBot>>;
  try {
    loaded = await loadBot(settings.configPath);
  } catch (err) {
    // Nothing of this start may keep the process alive: `opsdeck start` must exit with the error.
    await store.then(
      (opened) => opened.close(),
      () => undefined,
    );
    throw err;
  }
  const { config, findings, createLogger, configRedactor, startOpsdeck } = loaded;
  // The config's `logs.redact` rules apply to opsdeck's own log lines too, not only to chat and audit.
  const log = createLogger(settings.logLevel, undefined, configRedactor(config));
  storeLog = log.child({ component: 'store' });
  for (const f of findings) {
    const where = { file: settings.configPath, path: f.path, line: f.line };
    if (f.level === 'warning') log.warn(where, `config warning: ${f.message}`);
    else log.info(where, `config note: ${f.message}`);
  }
  return startOpsdeck({ config, settings, log, store });
}

/** The bot's modules and its checked config. */
async function loadBot(configPath: string) {
  const [{ loadCheckedConfigFile }, { configRedactor }, { createLogger }, { startOpsdeck }] = await Promise.all([
    import('../config/load.ts'),
    import('../compose/logs.ts'),
    import('../observability/logger.ts'),
    import('../compose.ts'),
  ]);
  return { ...(await loadCheckedConfigFile(configPath)), configRedactor, createLogger, startOpsdeck };
}

/** `opsdeck try` (what `npm start` runs): the bot when Slack credentials are set, else the sandbox, saying so first. */
export async function tryCommand(io: CliIo, args: string[], env: Env): Promise<number | Running> {
  if (readSettings(env).slack.mode !== 'none') return startCommand(io, args, env);
  io.out(
    'No Slack credentials (SLACK_BOT_TOKEN) in the environment: starting the sandbox. ' +
      '`opsdeck start` is the production command.',
  );
  return (await import('./sandbox-command.ts')).sandboxCommand(io, args, env);
}
