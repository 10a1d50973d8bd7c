import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BARE_CONFIG } from '../helpers/bare-config.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TRACER = join(ROOT, 'test/helpers/trace-modules.mjs');

const SDKS = /\/node_modules\/(@aws-sdk|@smithy|@kubernetes\/client-node|@octokit|ioredis|pg|pg-[a-z]+)\//;

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** Runs `opsdeck start` (HTTP mode) until it has started, stops it, and returns every module it loaded. */
async function modulesLoadedByStart(configText: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-footprint-'));
  dirs.push(dir);
  await writeFile(join(dir, 'opsdeck.yaml'), configText);
  const trace = join(dir, 'modules.txt');
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', TRACER, join(ROOT, 'src/main.ts'), 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: 'xoxb-footprint',
      SLACK_SIGNING_SECRET: 'footprint',
      // Nothing listens there: readiness fails, which does not matter for what is loaded.
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      PORT: '0',
      OPSDECK_CONFIG: join(dir, 'opsdeck.yaml'),
      OPSDECK_DATA_DIR: dir,
      OPSDECK_TRACE_MODULES: trace,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr.on('data', (chunk: Buffer) => {
    out += String(chunk);
  });
  const exited = new Promise((done) => child.once('exit', done));
  await new Promise<void>((done, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += String(chunk);
      if (out.includes('"msg":"opsdeck started"')) done();
    });
    child.once('exit', (code) => fail(new Error(`opsdeck start exited ${code} before starting:\n${out}`)));
  });
  child.kill('SIGTERM');
  await exited;
  return (await readFile(trace, 'utf8')).split('\n');
}

describe('what `opsdeck start` loads', () => {
  it('loads no backend SDK, PostgreSQL or Redis client, nor the sandbox, when the config uses none', async () => {
    const loaded = await modulesLoadedByStart(BARE_CONFIG);
    expect(loaded.some((url) => url.includes('/node_modules/@slack/bolt/'))).toBe(true);
    expect(loaded.filter((url) => SDKS.test(url) || url.includes('/src/sandbox/'))).toEqual([]);
  });

  it('loads the runbook parsers and index only with the first runbooks, not at start', async () => {
    const loaded = await modulesLoadedByStart(BARE_CONFIG);
    expect(loaded.some((url) => url.includes('/src/core/runbooks/library.ts'))).toBe(true);
    const runbookWork = /\/node_modules\/(js-yaml|minisearch)\/|\/src\/core\/runbooks\/(parse|search|text-index)\.ts/;
    expect(loaded.filter((url) => runbookWork.test(url))).toEqual([]);
  }, 60_000);

  it('loads the SDKs of the backends the config uses, and still not the Redis or PostgreSQL client', async () => {
    const loaded = await modulesLoadedByStart(await readFile(join(ROOT, 'opsdeck.example.yaml'), 'utf8'));
    const packages = new Set(loaded.flatMap((url) => SDKS.exec(url)?.[1] ?? []));
    expect(['@aws-sdk', '@kubernetes/client-node', '@octokit'].filter((p) => packages.has(p))).toHaveLength(3);
    expect(['ioredis', 'pg'].filter((p) => packages.has(p))).toEqual([]);
  }, 60_000);
});
