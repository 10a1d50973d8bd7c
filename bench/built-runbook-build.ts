import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from '../scripts/bundle-options.ts';
import { ROOT } from './compiled-bot.ts';

// Inside the project, so the packages left out of the bundle are found in node_modules, as the image finds them.
const OUT = join(ROOT, 'dist/bench-runbook-build');

/**
 * Bundles the runbook load the bench times (runbook-build.ts) with its index thread, as `npm run build`
 * bundles the bot: the image runs the load as JavaScript chunks, where from source (tsx) the index thread
 * first compiles its TypeScript. Returns the file to run.
 */
export async function bundleRunbookBuild(): Promise<string> {
  await rm(OUT, { recursive: true, force: true });
  await build({
    ...BUNDLE_OPTIONS,
    entryPoints: {
      'runbook-build': join(ROOT, 'bench/runbook-build.ts'),
      'index-worker': join(ROOT, 'src/adapters/runbook-index-thread/index-worker.ts'),
    },
    outdir: OUT,
  });
  return join(OUT, 'runbook-build.js');
}

/** One load of `dir` by the bundled `entry`, in a fresh process started with `flags` and `env`: nothing is warm. */
export function timeBuildInProcess(
  entry: string,
  dir: string,
  flags: readonly string[],
  env: Record<string, string> = {},
): { wall: number; cpu: number } {
  const run = spawnSync(process.execPath, [...flags, entry, dir], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`the runbook build failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { wall: number; cpu: number };
}
