import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** Starts a server script in its own process (as in production) and reads its port from its log. */
export async function serve(
  script: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ port: number; child: ChildProcess }> {
  return serveNode(['--import', 'tsx', join(ROOT, script), ...args], env);
}

/** Runs `node <nodeArgs>` from the checkout and waits until it logs the port it listens on. */
export async function serveNode(
  nodeArgs: string[],
  env: Record<string, string>,
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${nodeArgs.join(' ')} did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done(Number(m[1]));
      }
    });
  });
  child.stdout!.resume();
  return { port, child };
}
