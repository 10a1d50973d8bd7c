import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../observability/logger.ts';
import type { Logger } from '../ports/logger.ts';
import type { CliIo } from './io.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** A process that keeps running until stopped (the bot, the sandbox). */
export interface Running {
  stop(): Promise<void>;
}

/** What `src/sandbox/run-sandbox.ts` offers; test/cli/start.test.ts holds the real module to it. */
export interface SandboxModule {
  startSandbox(opts: { port: number; botPort: number; dir: string; configPath: string; log: Logger }): Promise<{
    consoleUrl: string;
    endpoints: [string, string][];
    stop(): Promise<void>;
  }>;
}

// A URL rather than a string literal: the compiler follows literal imports into the build, and the
// emulators must stay out of dist/ and the image. Only source checkouts have this file.
const SANDBOX_ENTRY = new URL('../sandbox/run-sandbox.ts', import.meta.url);
const SANDBOX_CONFIG = fileURLToPath(new URL('../../examples/sandbox.yaml', import.meta.url));

export const SANDBOX_MISSING =
  'the sandbox (emulators of Slack with its web console, GitHub, Kubernetes, Argo CD and CloudWatch Logs) is only ' +
  'in a source checkout: clone the repository, then `npm install` and `npm start`. This build runs the bot: ' +
  '`opsdeck start`.';

/** `opsdeck sandbox`: the real bot against local emulators; its store is in <OPSDECK_DATA_DIR>/sandbox/data. */
export async function sandboxCommand(io: CliIo, args: string[], env: Env): Promise<number | Running> {
  const options = { port: { type: 'string', default: '3000' }, 'bot-port': { type: 'string', default: '0' } } as const;
  const { values } = parseArgs({ args, options });
  if (!existsSync(fileURLToPath(SANDBOX_ENTRY))) {
    io.err(`opsdeck sandbox: ${SANDBOX_MISSING}`);
    return 2;
  }
  const { startSandbox } = (await import(SANDBOX_ENTRY.href)) as SandboxModule;
  const log = createLogger(env.LOG_LEVEL ?? 'warn');
  const running = await startSandbox({
    port: Number(values.port),
    botPort: Number(values['bot-port']),
    dir: join(env.OPSDECK_DATA_DIR ?? '.opsdeck', 'sandbox'),
    configPath: env.OPSDECK_CONFIG ?? SANDBOX_CONFIG,
    log,
  });
  const width = Math.max(...running.endpoints.map(([name]) => name.length));
  const tryThis = 'try /deploy api prod as alice, then approve as bob.';
  io.out(`opsdeck sandbox is running. Open ${running.consoleUrl} and ${tryThis}`);
  io.out('');
  for (const [name, url] of running.endpoints) io.out(`  ${name.padEnd(width)}  ${url}`);
  io.out('\nCtrl-C stops everything.');
  return running;
}
