import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `opsdeck …` as a real process on the same Node, with a controlled environment. */
export function opsdeck(args: string[], env: Record<string, string> = {}, timeoutMs = 15_000): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', resolve(ROOT, 'src/main.ts'), ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        timeout: timeoutMs,
        // Not SIGTERM: a start that hangs may be waiting on the very thing its SIGTERM handler waits for.
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        // A process that had to be killed did not exit: -1, so no test takes it for an exit with an error.
        if (err?.killed) return done({ code: -1, stdout, stderr: `${stderr}\n(killed after ${timeoutMs} ms)` });
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
