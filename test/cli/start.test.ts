import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsdeck, ROOT } from '../helpers/cli.ts';
import { BOT_TOKEN, SIGNING_SECRET } from '../helpers/harness.ts';
import type { SandboxModule } from '../../src/cli/sandbox-command.ts';
import * as runSandbox from '../../src/sandbox/run-sandbox.ts';
import { SlackEmulator } from '../../src/sandbox/slack/index.ts';

// The sandbox command imports the sandbox at run time, out of the compiler's sight; this holds the
// real module to the shape the command expects, so `npm run typecheck` catches a drift.
const sandboxModule: SandboxModule = runSandbox;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opsdeck-start-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Ended {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Starts `opsdeck <args>` from source, waits until its output matches `ready`, then stops it with SIGTERM. */
async function runUntil(args: string[], env: Record<string, string>, ready: RegExp): Promise<Ended> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/main.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no ${ready} within 20 s:\n${stdout}\n${stderr}`)), 20_000);
    const check = () => {
      if (!ready.test(stdout)) return;
      clearTimeout(timer);
      done();
    };
    child.stdout.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`exited before ${ready}:\n${stdout}\n${stderr}`));
    });
  });
  child.kill('SIGTERM');
  return { stdout, stderr, code: await exited };
}

describe('opsdeck start (production)', () => {
  it('exits 2 without Slack credentials, naming the variables and the README section, and starts nothing', async () => {
    const dataDir = join(dir, 'start-none');
    const res = await opsdeck(['start'], {
      OPSDECK_DATA_DIR: dataDir,
      OPSDECK_CONFIG: 'opsdeck.example.yaml',
      PORT: '0',
    });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('opsdeck start: no Slack credentials in the environment');
    expect(res.stderr).toContain('SLACK_BOT_TOKEN (xoxb-…) and SLACK_SIGNING_SECRET  for HTTP mode');
    expect(res.stderr).toContain('SLACK_BOT_TOKEN (xoxb-…) and SLACK_APP_TOKEN (xapp-…)  for Socket Mode');
    expect(res.stderr).toContain('"Installing the Slack app" in README.md');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('takes no arguments: settings come from the environment', async () => {
    const res = await opsdeck(['start', '--port', '4000'], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('opsdeck start takes no arguments (got --port 4000)');
  });
});

describe('opsdeck try (npm start)', () => {
  it('is what npm start runs, and help explains it', async () => {
    expect(sandboxModule.startSandbox).toBeTypeOf('function');
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('tsx src/main.ts try');
    const help = await opsdeck(['help']);
    expect(help.stdout).toMatch(
      /^ {2}try \[--port 3000\] +what `npm start` runs: `start` when Slack credentials are set,$/m,
    );
  });

  it('without Slack credentials runs the sandbox, saying so first, with the store in sandbox/data', async () => {
    const dataDir = join(dir, 'try-sandbox');
    const res = await runUntil(
      ['try', '--port', '0'],
      { OPSDECK_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      /Ctrl-C stops everything/,
    );
    expect(res.stdout.split('\n')[0]).toBe(
      'No Slack credentials (SLACK_BOT_TOKEN) in the environment: starting the sandbox. ' +
        '`opsdeck start` is the production command.',
    );
    expect(res.stdout).toContain('opsdeck sandbox is running. Open http://127.0.0.1:');
    expect(res.code, res.stderr).toBe(0);
    expect(await readdir(join(dataDir, 'sandbox', 'data'))).toContain('opsdeck.db');
  }, 30_000);

  it('with Slack credentials runs the bot, not the sandbox', async () => {
    const slack = await SlackEmulator.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
    try {
      const res = await runUntil(
        ['try'],
        {
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: slack.apiUrl,
          OPSDECK_CONFIG: 'opsdeck.example.yaml',
          OPSDECK_DATA_DIR: join(dir, 'try-bot'),
          PORT: '0',
        },
        /"msg":"opsdeck started"/,
      );
      expect(res.stdout).toContain('"mode":"http"');
      // What `config check` says about the file is in the log too.
      expect(res.stdout).toContain(
        '"msg":"config note: not checked offline: it needs 1 approver besides the requester',
      );
      // The Slack emulator's team is called "opsdeck sandbox": what must be absent is the sandbox itself.
      expect(res.stdout).not.toMatch(/starting the sandbox|sandbox is running/i);
      expect(res.code, res.stderr).toBe(0);
    } finally {
      await slack.close();
    }
  }, 30_000);
});
