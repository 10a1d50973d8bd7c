import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { SlackEmulator } from '../src/sandbox/slack/index.ts';
import {
  botEnvironments,
  buildBot,
  productionMemoryEnv,
  productionNodeFlags,
  ROOT,
  SECRET,
  sleep,
  TOKEN,
} from './compiled-bot.ts';
import { serveNode } from './serve.ts';
import { fmt, percentile, ratio } from './stats.ts';

/** Milliseconds from spawning the compiled bot until its /readyz answers 200 (store open, Slack token accepted). */
async function botReady(flags: string[], env: Record<string, string>): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, [...flags, 'dist/bundle/main.js', 'start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += String(chunk);
    });
    for (;;) {
      const port = /"port":(\d+)/.exec(out)?.[1];
      if (port) {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        await res?.arrayBuffer();
        if (res?.status === 200) return performance.now() - start;
      }
      if (child.exitCode !== null) throw new Error(`opsdeck exited before it was ready: ${out}`);
      await sleep(5);
    }
  } finally {
    child.kill('SIGTERM');
  }
}

/** Milliseconds from spawning a bare Bolt app (with these node flags) until it listens. */
async function boltListening(env: Record<string, string>, flags: string[] = []): Promise<number> {
  const start = performance.now();
  const { child } = await serveNode([...flags, 'bench/bare-bolt.ts'], env);
  const ms = performance.now() - start;
  child.kill('SIGTERM');
  return ms;
}

/** Start-up: process start to /readyz ready, against a bare Bolt app's start to listening; alternating rounds. */
export async function startup(rounds = 5): Promise<string[]> {
  buildBot();
  const slack = await SlackEmulator.start({ signingSecret: SECRET, botToken: TOKEN });
  const envs = await botEnvironments(slack);
  const flags = await productionNodeFlags();
  const memory = await productionMemoryEnv();
  const bolt: number[] = [];
  const boltFlagged: number[] = [];
  const bare: number[] = [];
  const example: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      bolt.push(await boltListening(envs.base));
      boltFlagged.push(await boltListening({ ...envs.base, ...memory }, flags));
      bare.push(await botReady(flags, { ...envs.bare, OPSDECK_DATA_DIR: `${envs.bare.OPSDECK_DATA_DIR}-${round}` }));
      example.push(
        await botReady(flags, {
          ...envs.example,
          OPSDECK_DATA_DIR: `${envs.example.OPSDECK_DATA_DIR}-${round}`,
        }),
      );
    }
  } finally {
    await slack.close();
    await rm(envs.dir, { recursive: true, force: true });
  }
  const [b, bf, o, e] = [bolt, boltFlagged, bare, example].map((t) => percentile(t, 50)) as [
    number,
    number,
    number,
    number,
  ];
  return [
    `startup: process start to ready, median of ${rounds} alternating rounds; no compile cache on either side`,
    `  opsdeck: MALLOC_ARENA_MAX=${envs.bare.MALLOC_ARENA_MAX} node ${flags.join(' ')} dist/bundle/main.js; ` +
      'Bolt: node bench/bare-bolt.ts',
    `  bare Bolt app, start to listening ${fmt(b)}`,
    `  opsdeck, config using no backend, start to /readyz 200 ${fmt(o)}  ratio ${ratio(o, b)}  (target <= 1.50x)`,
    `  opsdeck, example config, start to /readyz 200 ${fmt(e)}  ratio ${ratio(e, b)}  (target <= 1.50x)`,
    // The image's V8 flag and MALLOC_ARENA_MAX slow a bare Bolt app too; against it, opsdeck's own cost shows.
    `  bare Bolt app run with ${flags.join(' ')} and MALLOC_ARENA_MAX=${memory.MALLOC_ARENA_MAX}, ` +
      `start to listening ${fmt(bf)}; ` +
      `opsdeck to it: no backend ${ratio(o, bf)}, example config ${ratio(e, bf)}`,
  ];
}
