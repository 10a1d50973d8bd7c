import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComposeOptions } from '../../src/compose.ts';

/** What a replica process is started with: the environment it reads and what a test would pass to compose. */
export interface ReplicaSpec {
  env: Record<string, string>;
  configText: string;
  kubeconfig: string;
  tuning: ComposeOptions['tuning'];
}

export interface Replica {
  readonly name: string;
  readonly port: number;
  /** Every line it logged (JSON), for finding which replica did what. */
  readonly logs: string[];
  readonly alive: boolean;
  /** SIGKILL: no shutdown, no goodbye, as when a node dies. */
  kill(): Promise<void>;
  /** SIGSTOP: frozen mid-work, as a long GC pause or a stalled VM; `resume` (SIGCONT) lets it go on. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const MAIN = join(import.meta.dirname, 'replica-main.ts');

/** Starts one replica process and waits until it serves. */
export async function startReplica(name: string, spec: ReplicaSpec): Promise<Replica> {
  const dataDir = await mkdtemp(join(tmpdir(), `opsdeck-${name}-`));
  const env = { ...spec.env, OPSDECK_DATA_DIR: dataDir, PORT: '0' };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH ?? '', OPSDECK_REPLICA_SPEC: JSON.stringify({ ...spec, env }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let stderr = '';
  let partial = '';
  let exited = false;
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += String(chunk);
  });
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start in 30 s:\n${stderr}`)), 30_000);
    child.once('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      fail(new Error(`${name} exited with ${code} before serving:\n${stderr}\n${logs.join('')}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + String(chunk)).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        const ready = /^\{"replicaPort":(\d+)\}$/.exec(line);
        if (ready) {
          clearTimeout(timer);
          done(Number(ready[1]));
        }
      }
    });
  });
  child.once('exit', () => {
    exited = true;
  });
  const ended = async (signal: NodeJS.Signals) => {
    if (!exited) {
      const gone = once(child, 'exit');
      child.kill(signal);
      // A paused process hears SIGTERM only once it runs again.
      child.kill('SIGCONT');
      await gone;
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  return {
    name,
    port,
    logs,
    get alive() {
      return !exited;
    },
    kill: () => ended('SIGKILL'),
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    stop: () => ended('SIGTERM'),
  };
}

/**
 * A load balancer in front of the replicas: each request goes to the next replica in turn, and to the one
 * after it when a replica does not answer (its process is gone), as a balancer with health checks would.
 */
export async function roundRobin(replicas: readonly Replica[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const forward = (body: Buffer, req: import('node:http').IncomingMessage, attempt: number) =>
    new Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; body: Buffer }>((done, fail) => {
      const live = replicas.filter((r) => r.alive);
      const target = live[(next++ + attempt) % Math.max(live.length, 1)];
      if (!target) return fail(new Error('no replica is alive'));
      const out = request(
        { host: '127.0.0.1', port: target.port, path: req.url, method: req.method, headers: req.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            done({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
      out.on('error', fail);
      out.end(body);
    });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      for (let attempt = 0; attempt < replicas.length; attempt++) {
        try {
          const answer = await forward(body, req, attempt);
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
          return;
        } catch {
          // The replica is gone: try the next one.
        }
      }
      res.writeHead(502).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
