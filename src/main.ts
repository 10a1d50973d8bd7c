#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { processIo } from './cli/io.ts';
import type { Running } from './cli/sandbox-command.ts';
import type { AuditLog } from './compose/audit-log.ts';
import { systemClock } from './ports/clock.ts';
import { ConfigError, formatProblem } from './config/problems.ts';
import { readSettings } from './config/settings.ts';

const USAGE = `Usage: opsdeck <command>

  start                          run the bot (HTTP or Socket Mode, chosen by the environment); without
                                 Slack credentials it exits 2 naming the variables to set
  sandbox [--port 3000] [--bot-port 0]
                                 (source checkout only) the bot against local emulators of Slack (with
                                 a web console), GitHub, Kubernetes, Argo CD and CloudWatch Logs
  try [--port 3000]              what \`npm start\` runs: \`start\` when Slack credentials are set,
                                 else \`sandbox\` (and it says so)
  config check [file]            validate opsdeck.yaml (default: $OPSDECK_CONFIG or ./opsdeck.yaml)
  config schema                  print the JSON Schema of opsdeck.yaml
  manifest [--config file] [--url https://host]
                                 print the Slack app manifest (commands as opsdeck.yaml names them,
                                 shortcuts, App Home, events, scopes)
  runbooks check [dir]           check runbooks (front matter, services, every step) (default: the
                                 config's runbooks.path; without a config, ./runbooks and no services)
  audit verify [--allow-empty]   check the audit log's hash chain (read-only; a missing store or an
                                 empty log fails unless --allow-empty)
  audit export [--since 7d] [--format jsonl]
                                 print audit records, oldest first
  store migrate                  copy the SQLite store (OPSDECK_DATA_DIR, only read) into the empty
                                 PostgreSQL store DATABASE_URL names, then verify its audit chain

Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL, OPSDECK_CONFIG,
OPSDECK_DATA_DIR, DATABASE_URL, PORT, LOG_LEVEL (see README).`;

/**
 * Runs a long-running command until SIGTERM or SIGINT, then stops it and exits 0 (1 if stopping failed).
 * The signals are taken before the command starts: one that arrives while it is still starting (a pod
 * stopped during start-up) stops it as soon as it is up, instead of killing it half-started.
 */
async function untilSignal(starting: () => Promise<number | Running>): Promise<number> {
  let signalled = false;
  let running: Running | undefined;
  const shutdown = () =>
    void running?.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`opsdeck: stopping failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  const onSignal = () => {
    if (signalled) return;
    signalled = true;
    shutdown();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const result = await starting();
  if (typeof result === 'number') {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    return result;
  }
  running = result;
  if (signalled) shutdown();
  return -1;
}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  const io = processIo;
  const pair = `${command ?? ''} ${sub ?? ''}`.trim();
  const args = [sub, ...rest].filter((a): a is string => a !== undefined);
  // Each command's modules are loaded when it runs: `start` never loads what only the others use (pg for the
  // audit reader and store migrate), and it begins opening the store before it loads the bot's modules.
  switch (['start', 'sandbox', 'try', 'manifest'].includes(command ?? '') ? command : pair) {
    case 'manifest':
      return (await import('./cli/manifest-command.ts')).manifestCommand(
        io,
        args,
        readSettings(process.env).configPath,
      );
    case 'start':
      return untilSignal(async () => (await import('./cli/start-commands.ts')).startCommand(io, args, process.env));
    case 'sandbox':
      return untilSignal(async () => (await import('./cli/sandbox-command.ts')).sandboxCommand(io, args, process.env));
    case 'try':
      return untilSignal(async () => (await import('./cli/start-commands.ts')).tryCommand(io, args, process.env));
    case 'config check': {
      const { configCheck } = await import('./cli/config-commands.ts');
      return configCheck(io, rest[0] ?? readSettings(process.env).configPath, process.env);
    }
    case 'config schema':
      return (await import('./cli/config-commands.ts')).configSchemaCommand(io);
    case 'runbooks check':
      return (await import('./cli/runbooks-check.ts')).runbooksCheckCommand(io, rest, process.env);
    case 'audit verify': {
      const { auditVerify, withAuditLog } = await import('./cli/audit-commands.ts');
      const { openAuditLog } = await import('./compose/audit-log.ts');
      const { values } = parseArgs({ args: rest, options: { 'allow-empty': { type: 'boolean', default: false } } });
      const verify = (log: AuditLog) => auditVerify(io, log, { allowEmpty: values['allow-empty'] });
      return withAuditLog(io, 'audit verify', readSettings(process.env), openAuditLog, verify);
    }
    case 'audit export': {
      const { auditExport, withAuditLog } = await import('./cli/audit-commands.ts');
      const { openAuditLog } = await import('./compose/audit-log.ts');
      const { values } = parseArgs({ args: rest, options: { since: { type: 'string' }, format: { type: 'string' } } });
      const opts = { since: values.since, format: values.format, now: systemClock.now() };
      const exportLog = (log: AuditLog) => auditExport(io, log, opts);
      return withAuditLog(io, 'audit export', readSettings(process.env), openAuditLog, exportLog);
    }
    case 'store migrate':
      if (rest.length) {
        io.err(`store migrate takes no arguments (got ${rest.join(' ')}): it reads OPSDECK_DATA_DIR and DATABASE_URL`);
        return 2;
      }
      return (await import('./cli/store-migrate.ts')).storeMigrate(io, readSettings(process.env), systemClock);
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
      process.stderr.write(
        `opsdeck: ${err.file ?? 'configuration'} has problems:\n${err.problems.map(formatProblem).join('\n')}\n`,
      );
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`opsdeck: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
