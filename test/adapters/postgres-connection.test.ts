import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUrlError, parseDatabaseUrl } from '../../src/adapters/store-postgres/connection.ts';

let dir: string;
let ca: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opsdeck-pg-url-'));
  ca = join(dir, 'ca.pem');
  await writeFile(ca, 'CA PEM');
  await writeFile(join(dir, 'client.pem'), 'CLIENT PEM');
  await writeFile(join(dir, 'client.key'), 'CLIENT KEY');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = 'postgres://opsdeck:p%40ss@db.example.com:6432/ops';

describe('parseDatabaseUrl', () => {
  it('reads where to connect, with defaults for the pool and timeouts', () => {
    const t = parseDatabaseUrl(base);
    expect(t.pool).toMatchObject({
      host: 'db.example.com',
      port: 6432,
      database: 'ops',
      user: 'opsdeck',
      password: 'p@ss',
      ssl: false,
      max: 10,
      connectionTimeoutMillis: 10_000,
      statement_timeout: 15_000,
      application_name: 'opsdeck',
    });
    expect(t.schema).toBe('public');
    expect(t.display).toBe('postgres://opsdeck@db.example.com:6432/ops (schema public)');
  });

  it('takes the schema, pool size and timeouts from parameters', () => {
    const t = parseDatabaseUrl(`${base}?schema=opsdeck_prod&pool_size=4&connect_timeout=3&statement_timeout=2500`);
    expect(t).toMatchObject({ schema: 'opsdeck_prod', statementTimeoutMs: 2500 });
    expect(t.pool).toMatchObject({ max: 4, connectionTimeoutMillis: 3000, statement_timeout: 2500 });
    expect(parseDatabaseUrl('postgresql://[::1]/ops').pool).toMatchObject({ host: '::1', port: 5432 });
  });

  it.each([
    ['disable', '', false],
    ['require', '', { rejectUnauthorized: false }],
    [
      'require',
      '&sslrootcert=CA',
      { ca: 'CA PEM', rejectUnauthorized: true, checkServerIdentity: expect.any(Function) },
    ],
    [
      'verify-ca',
      '&sslrootcert=CA',
      { ca: 'CA PEM', rejectUnauthorized: true, checkServerIdentity: expect.any(Function) },
    ],
    ['verify-full', '&sslrootcert=CA', { ca: 'CA PEM', rejectUnauthorized: true }],
    ['verify-full', '&sslrootcert=system', { rejectUnauthorized: true }],
    ['verify-full', '', { rejectUnauthorized: true }],
  ])('sslmode=%s%s sets TLS as libpq does', (mode, extra, ssl) => {
    const t = parseDatabaseUrl(`${base}?sslmode=${mode}${extra.replace('CA', ca)}`);
    expect(t.pool.ssl).toEqual(ssl);
    if (mode === 'verify-full') expect(t.pool.ssl).not.toHaveProperty('checkServerIdentity');
  });

  it('sends a client certificate when given one', () => {
    const t = parseDatabaseUrl(
      `${base}?sslmode=verify-full&sslcert=${join(dir, 'client.pem')}&sslkey=${join(dir, 'client.key')}`,
    );
    expect(t.pool.ssl).toMatchObject({ cert: 'CLIENT PEM', key: 'CLIENT KEY' });
  });

  it.each([
    ['mysql://db/ops', /must start with postgres:\/\//],
    ['not a url', /not a URL/],
    [`${base}?sslmode=prefer`, /sslmode=prefer is not supported, as it falls back to plain text/],
    [`${base}?sslmode=bogus`, /sslmode=bogus is not supported; use disable, require, verify-ca, verify-full/],
    [`${base}?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem`, /sslrootcert=\/nonexistent\/ca.pem cannot be read/],
    [`${base}?sslmode=require&sslcert=/x.pem`, /sslcert and sslkey together/],
    [`${base}?schema=Prod-1`, /schema=Prod-1 is not a plain schema name/],
    [`${base}?pool_size=0`, /pool_size=0 must be a whole number above 0/],
    [`${base}?statement_timeout=5s`, /statement_timeout=5s must be a whole number/],
    [`${base}?options=-csearch_path%3Dx`, /unknown parameter options; opsdeck reads sslmode, .*schema/],
  ])('refuses %s, saying why', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(DatabaseUrlError);
    expect(() => parseDatabaseUrl(url)).toThrow(message);
  });

  it('never puts the password in a message', () => {
    expect(() => parseDatabaseUrl(`${base}&x=1`.replace('ops&', 'ops?'))).not.toThrow(/p%40ss|p@ss/);
    expect(parseDatabaseUrl(base).display).not.toMatch(/p%40ss|p@ss/);
  });
});
