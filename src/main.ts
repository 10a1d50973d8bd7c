#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { auditExport, auditVerify } from './cli/audit-commands.ts';
import { configCheck, configSchemaCommand } from './cli/config-commands.ts';
import { processIo } from './cli/io.ts';
import { openStore, startOpsdeck } from './compose.ts';
import { loadConfigFile } from './config/load.ts';
import { ConfigError, formatProblem } from './config/problems.ts';
import { readSettings } from './config/settings.ts';
import { createLogger } from './observability/logger.ts';

const USAGE = `Usage: opsdeck <command>

  start                          run the bot (HTTP or Socket Mode, chosen by the environment)
  config check [file]            validate opsdeck.yaml (default: $OPSDECK_CONFIG or ./opsdeck.yaml)
  config schema                  print the JSON Schema of opsdeck.yaml
  audit verify                   check the audit log's hash chain
  audit export [--since 7d] [--format jsonl]
                                 print audit records, oldest first

Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL, OPSDECK_CONFIG,
OPSDECK_DATA_DIR, DATABASE_URL, PORT, LOG_LEVEL (see README).`;

async function start(): Promise<number> {
  const settings = readSettings(process.env);
  const log = createLogger(settings.logLevel);
  const config = await loadConfigFile(settings.configPath);
  const opsdeck = await startOpsdeck({ config, settings, log });
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutdown requested');
    void opsdeck.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return -1;
}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  const io = processIo;
  switch (`${command ?? ''} ${sub ?? ''}`.trim()) {
    case 'start':
      return start();
    case 'config check':
      return configCheck(io, rest[0] ?? readSettings(process.env).configPath);
    case 'config schema':
      return configSchemaCommand(io);
    case 'audit verify': {
      const store = openStore(readSettings(process.env));
      try {
        return await auditVerify(io, store);
      } finally {
        await store.close();
      }
    }
    case 'audit export': {
      const { values } = parseArgs({ args: rest, options: { since: { type: 'string' }, format: { type: 'string' } } });
      const store = openStore(readSettings(process.env));
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
