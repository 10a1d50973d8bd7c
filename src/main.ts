#!/usr/bin/env node
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { commands } from '../commands/index.ts';
import { FsRunbookSource } from './adapters/runbooks-fs/index.ts';
import { auditExport, auditVerify } from './cli/audit-commands.ts';
import { runbooksCheck } from './cli/runbooks-check.ts';
import { Registry } from './core/registry.ts';
import { configCheck, configSchemaCommand } from './cli/config-commands.ts';
import { processIo } from './cli/io.ts';
import { openStore, startOpsdeck } from './compose.ts';
import { loadConfigFile } from './config/load.ts';
import { ConfigError, formatProblem } from './config/problems.ts';
import { readSettings } from './config/settings.ts';
import { createLogger } from './observability/logger.ts';
import { systemClock } from './ports/clock.ts';
import type { Logger } from './ports/logger.ts';
import { packageRoot } from './sandbox/package-root.ts';
import { startSandbox } from './sandbox/run-sandbox.ts';

const USAGE = `Usage: opsdeck <command>

  start                          run the bot (HTTP or Socket Mode, chosen by the environment);
                                 with no Slack credentials, the sandbox
  sandbox [--port 3000] [--bot-port 0]
                                 everything on this machine: the bot, emulators of Slack (with a
                                 web console), GitHub and Kubernetes
  config check [file]            validate opsdeck.yaml (default: $OPSDECK_CONFIG or ./opsdeck.yaml)
  config schema                  print the JSON Schema of opsdeck.yaml
  runbooks check [dir]           check runbooks (front matter, services, every step) (default ./runbooks)
  audit verify                   check the audit log's hash chain
  audit export [--since 7d] [--format jsonl]
                                 print audit records, oldest first

Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL, OPSDECK_CONFIG,
OPSDECK_DATA_DIR, DATABASE_URL, PORT, LOG_LEVEL (see README).`;

function onShutdown(log: Logger, stop: () => Promise<void>): void {
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutdown requested');
    void stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function sandbox(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: '3000' }, 'bot-port': { type: 'string', default: '0' } } });
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const running = await startSandbox({
    port: Number(values.port), botPort: Number(values['bot-port']), dir: join(process.env.OPSDECK_DATA_DIR ?? '.opsdeck', 'sandbox'),
    configPath: process.env.OPSDECK_CONFIG ?? join(packageRoot(), 'examples/sandbox.yaml'), log,
  });
  const width = Math.max(...running.endpoints.map(([name]) => name.length));
  process.stdout.write(`opsdeck sandbox is running. Open ${running.consoleUrl} and try /deploy api prod as alice, then approve as bob.\n\n`);
  for (const [name, url] of running.endpoints) process.stdout.write(`  ${name.padEnd(width)}  ${url}\n`);
  process.stdout.write('\nCtrl-C stops everything.\n');
  onShutdown(log, running.stop);
  return -1;
}

async function start(args: string[]): Promise<number> {
  const settings = readSettings(process.env);
  if (settings.slack.mode === 'sandbox') return sandbox(args);
  const log = createLogger(settings.logLevel);
  const config = await loadConfigFile(settings.configPath);
  const opsdeck = await startOpsdeck({ config, settings, log });
  onShutdown(log, opsdeck.stop);
  return -1;
}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  const io = processIo;
  const pair = `${command ?? ''} ${sub ?? ''}`.trim();
  switch (command === 'start' || command === 'sandbox' ? command : pair) {
    case 'start':
      return start([sub, ...rest].filter((a): a is string => a !== undefined));
    case 'sandbox':
      return sandbox([sub, ...rest].filter((a): a is string => a !== undefined));
    case 'config check':
      return configCheck(io, rest[0] ?? readSettings(process.env).configPath);
    case 'config schema':
      return configSchemaCommand(io);
    case 'runbooks check': {
      const settings = readSettings(process.env);
      const config = await loadConfigFile(settings.configPath);
      const dir = rest[0] ?? config.runbooks?.path ?? 'runbooks';
      return runbooksCheck(io, await new FsRunbookSource(dir).list(), { catalog: config, registry: new Registry(commands), root: dir });
    }
    case 'audit verify': {
      const store = openStore(readSettings(process.env), systemClock);
      try {
        return await auditVerify(io, store);
      } finally {
        await store.close();
      }
    }
    case 'audit export': {
      const { values } = parseArgs({ args: rest, options: { since: { type: 'string' }, format: { type: 'string' } } });
      const store = openStore(readSettings(process.env), systemClock);
      try {
        return await auditExport(io, store, { since: values.since, format: values.format, now: new Date() });
      } finally {
        await store.close();
      }
    }
    case 'help':
    case '--help':
    case '':
      io.out(USAGE);
      return command ? 0 : 2;
    default:
      io.err(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`opsdeck: ${err.file ?? 'configuration'} has problems:\n${err.problems.map(formatProblem).join('\n')}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`opsdeck: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
