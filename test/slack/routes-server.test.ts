import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from '../../src/observability/health.ts';
import { listenError, RoutesServer } from '../../src/slack/routes-server.ts';
import { recordingLogger } from '../runbooks/fixtures.ts';

const routes: Route[] = [
  { path: '/healthz', method: 'GET', handler: (_req, res) => void res.end('ok') },
  { path: '/alerts', method: 'POST', handler: (_req, res) => void res.writeHead(202).end('taken') },
  {
    path: '/broken',
    method: 'GET',
    handler: async () => {
      throw new Error('the handler failed');
    },
  },
];

describe('RoutesServer (Socket Mode)', () => {
  const log = recordingLogger();
  const server = new RoutesServer(routes, log);
  let base = '';
  beforeAll(async () => {
    base = `http://127.0.0.1:${await server.listen(0)}`;
  });
  afterAll(() => server.close());

  it.each([
    ['GET', '/healthz', 200, 'ok'],
    ['GET', '/healthz?probe=1', 200, 'ok'],
    ['POST', '/alerts', 202, 'taken'],
    ['POST', '/healthz', 404, ''],
    ['GET', '/alerts', 404, ''],
    ['GET', '/slack/events', 404, ''],
    ['GET', '/broken', 500, ''],
  ])('%s %s answers %i', async (method, path, status, body) => {
    const res = await fetch(`${base}${path}`, { method });
    expect([res.status, await res.text()]).toEqual([status, body]);
  });

  it('answers 400 to a request target that is no URL, and keeps serving', async () => {
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += String(chunk);
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.end('GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('logs a route that failed', async () => {
    await (await fetch(`${base}/broken`)).text();
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'error', msg: 'an HTTP route failed' }));
  });

  it('refuses a port in use, naming PORT, and closes when it never listened', async () => {
    const second = new RoutesServer(routes, recordingLogger());
    const port = Number(new URL(base).port);
    await expect(second.listen(port)).rejects.toThrow(`port ${port} is already in use: set PORT to a free port`);
    await expect(second.close()).resolves.toBeUndefined();
  });
});

describe('RoutesServer stopping', () => {
  it('lets a request in flight finish before it closes', async () => {
    let started = () => {};
    const handling = new Promise<void>((resolve) => {
      started = resolve;
    });
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: Route = {
      path: '/alerts',
      method: 'POST',
      handler: async (_req, res) => {
        started();
        await released;
        res.writeHead(202).end('taken');
      },
    };
    const server = new RoutesServer([slow], recordingLogger());
    const port = await server.listen(0);
    const answer = fetch(`http://127.0.0.1:${port}/alerts`, { method: 'POST' });
    await handling;
    const closed = server.close();
    release();
    const res = await answer;
    expect([res.status, await res.text()]).toEqual([202, 'taken']);
    await closed;
  });
});

describe('listenError', () => {
  const coded = (code: string) => Object.assign(new Error(`listen ${code}`), { code });
  it.each([
    [coded('EADDRINUSE'), 'port 80 is already in use: set PORT to a free port, or stop what listens there'],
    [coded('EACCES'), 'port 80 needs privileges this process lacks: set PORT to 1024 or above'],
    [coded('EMFILE'), 'listen EMFILE'],
  ])('%s', (err, message) => {
    expect((listenError(err, 80) as Error).message).toBe(message);
  });
});
