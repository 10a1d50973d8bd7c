import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A free loopback port: bound, read and released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Alertmanager {
  url: string;
  /** `amtool alert add` with labels and annotations; `end` resolves the alert as of that time. */
  addAlert(
    labels: Record<string, string>,
    options?: { annotations?: Record<string, string>; end?: Date },
  ): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Debian's prometheus-alertmanager on random ports, with its storage and config in a temp dir, clustering
 * off, and one webhook receiver: every group notifies at once, repeats every `repeatInterval`.
 */
export async function startAlertmanager(webhook: {
  url: string;
  bearerToken: string;
  repeatInterval?: string;
}): Promise<Alertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-alertmanager-'));
  const port = await freePort();
  const config = `
route:
  receiver: opsdeck
  group_by: [alertname, service, env]
  group_wait: 100ms
  group_interval: 1s
  repeat_interval: ${webhook.repeatInterval ?? '1h'}
receivers:
  - name: opsdeck
    webhook_configs:
      - url: ${JSON.stringify(webhook.url)}
        send_resolved: true
        http_config:
          authorization: { type: Bearer, credentials: ${JSON.stringify(webhook.bearerToken)} }
`;
  await writeFile(join(dir, 'alertmanager.yml'), config);
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=debug',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`alertmanager did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async addAlert(labels, options = {}) {
      const args = ['alert', 'add', `--alertmanager.url=${url}`];
      for (const [k, v] of Object.entries(options.annotations ?? {})) args.push(`--annotation=${k}=${v}`);
      if (options.end) args.push(`--end=${options.end.toISOString()}`);
      args.push(...Object.entries(labels).map(([k, v]) => `${k}=${v}`));
      await run('amtool', args);
    },
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
