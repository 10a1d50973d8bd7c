import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/adapters/store-postgres/postgres-store.ts';
import { ManualClock } from '../helpers/clock.ts';
import { PG_URL, testSchema } from './postgres-fixture.ts';
import { makeCertificates, startTlsProxy, type TlsProxy } from './postgres-tls-proxy.ts';

const clock = new ManualClock('2026-11-24T09:00:00Z');
const upstream = new URL(PG_URL);
const schema = testSchema();
let dir: string;
let certs: Awaited<ReturnType<typeof makeCertificates>>;
let proxy: TlsProxy;
let elsewhere: TlsProxy;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opsdeck-pg-tls-'));
  certs = await makeCertificates(dir);
  const target = { host: upstream.hostname, port: Number(upstream.port || 5432) };
  proxy = await startTlsProxy(target, { key: certs.path('server.key'), cert: certs.path('server.pem') });
  elsewhere = await startTlsProxy(target, { key: certs.path('elsewhere.key'), cert: certs.path('elsewhere.pem') });
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await elsewhere?.close();
  await schema.drop();
  await rm(dir, { recursive: true, force: true });
});

/** The test schema's URL, through one of the proxies, with TLS parameters. */
function through(via: TlsProxy, params: Record<string, string>): string {
  const url = new URL(schema.url(params));
  url.hostname = '127.0.0.1';
  url.port = String(via.port);
  return url.toString();
}

async function opens(url: string): Promise<void> {
  const store = await PostgresStore.open(url, clock);
  try {
    await store.appendAudit({ actor: 'U1', action: 'a', target: {}, requestId: 'r', details: {} }, clock.now());
  } finally {
    await store.close();
  }
}

describe('PostgreSQL over TLS', () => {
  it('verify-full with sslrootcert checks the chain and the host, and sends nothing in plain text', async () => {
    const before = { ...proxy.seen };
    await opens(through(proxy, { sslmode: 'verify-full', sslrootcert: certs.ca }));
    expect(proxy.seen.tls).toBeGreaterThan(before.tls);
    expect(proxy.seen.plain).toBe(before.plain);
  });

  it('verify-full refuses a certificate from another CA, and one for another host', async () => {
    await expect(opens(through(proxy, { sslmode: 'verify-full', sslrootcert: certs.otherCa }))).rejects.toThrow(
      /unable to verify the first certificate/,
    );
    await expect(opens(through(elsewhere, { sslmode: 'verify-full', sslrootcert: certs.ca }))).rejects.toThrow(
      /does not match certificate/,
    );
  });

  it('verify-ca checks the chain only; require encrypts without checking, as libpq does', async () => {
    await opens(through(elsewhere, { sslmode: 'verify-ca', sslrootcert: certs.ca }));
    await expect(opens(through(elsewhere, { sslmode: 'verify-ca', sslrootcert: certs.otherCa }))).rejects.toThrow(
      /unable to verify the first certificate/,
    );
    const before = { ...elsewhere.seen };
    await opens(through(elsewhere, { sslmode: 'require' }));
    expect(elsewhere.seen.tls).toBeGreaterThan(before.tls);
    expect(elsewhere.seen.plain).toBe(before.plain);
  });

  it('disable speaks plain text', async () => {
    const before = { ...proxy.seen };
    await opens(through(proxy, { sslmode: 'disable' }));
    expect(proxy.seen.plain).toBeGreaterThan(before.plain);
    expect(proxy.seen.tls).toBe(before.tls);
  });
});
