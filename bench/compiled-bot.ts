import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SlackEmulator } from '../src/sandbox/slack/index.ts';
import { BARE_CONFIG } from '../test/helpers/bare-config.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const SECRET = 'bench-secret';
export const TOKEN = 'xoxb-bench';

/** The first group of `pattern` in the Dockerfile, or an error naming what it lacks. */
async function fromDockerfile(pattern: RegExp, lacking: string): Promise<string> {
  const found = pattern.exec(await readFile(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
  if (!found) throw new Error(`the Dockerfile ${lacking}`);
  return found;
}

/** The V8 flags the image starts the bot with (its ENTRYPOINT), so benches measure what production runs. */
export async function productionNodeFlags(): Promise<string[]> {
  const entry = await fromDockerfile(/^ENTRYPOINT (\[.*\])$/m, 'has no ENTRYPOINT in exec form');
  return (JSON.parse(entry) as string[]).filter((arg) => arg.startsWith('--'));
}

/**
 * The environment the image gives node that shapes its memory (the Dockerfile's `ENV MALLOC_ARENA_MAX`), so
 * benches run the bot with it as they run it with the image's V8 flags.
 */
export async function productionMemoryEnv(): Promise<{ MALLOC_ARENA_MAX: string }> {
  return {
    MALLOC_ARENA_MAX: await fromDockerfile(/^\s*(?:ENV\s+)?MALLOC_ARENA_MAX=(\d+)/m, 'sets no MALLOC_ARENA_MAX'),
  };
}

/** Builds the bot (`npm run build`) so benches run `node dist/bundle/main.js start`, as production does. */
export function buildBot(): void {
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('npm run build failed');
}

/** The environment of each server, and of the bot with the bare or the example config, in a fresh data dir. */
export async function botEnvironments(slack: SlackEmulator) {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-bench-bot-'));
  await writeFile(join(dir, 'bare.yaml'), BARE_CONFIG);
  const base = { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, PORT: '0' };
  // The bot runs with the image's allocator setting, as with its V8 flags; the bare Bolt app with neither.
  const memory = await productionMemoryEnv();
  const bot = (config: string, data: string) => ({
    ...base,
    ...memory,
    OPSDECK_CONFIG: config,
    OPSDECK_DATA_DIR: join(dir, data),
    LOG_LEVEL: 'info',
  });
  return {
    dir,
    base,
    bare: bot(join(dir, 'bare.yaml'), 'bare'),
    example: bot(join(ROOT, 'opsdeck.example.yaml'), 'example'),
  };
}

/** Resident memory of a process, from /proc (Linux), in MB. */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
