import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { PoolConfig } from 'pg';

/** What opsdeck reads from DATABASE_URL: where to connect, how, and in which schema its tables live. */
export interface PostgresTarget {
  pool: PoolConfig;
  schema: string;
  statementTimeoutMs: number;
  /** The URL without its password, for messages. */
  display: string;
}

const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
const PARAMS = [
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'schema',
  'pool_size',
  'connect_timeout',
  'statement_timeout',
  'application_name',
];
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** DATABASE_URL cannot be used as it is; the message names the parameter and the fix. */
export class DatabaseUrlError extends Error {}

/**
 * Reads a `postgres://user:password@host:port/database?…` URL. The TLS parameters mean what they mean to
 * libpq and psql, except that `prefer` and `allow` are refused: they fall back to plain text without saying.
 */
export function parseDatabaseUrl(text: string): PostgresTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DatabaseUrlError('DATABASE_URL is not a URL; expected postgres://user:password@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new DatabaseUrlError(`DATABASE_URL must start with postgres://, not ${url.protocol}//`);
  const params = url.searchParams;
  for (const key of params.keys()) {
    if (!PARAMS.includes(key))
      throw new DatabaseUrlError(`DATABASE_URL has an unknown parameter ${key}; opsdeck reads ${PARAMS.join(', ')}`);
  }
  const schema = params.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema))
    throw new DatabaseUrlError(
      `DATABASE_URL schema=${schema} is not a plain schema name (lower-case letters, digits, _; at most 63)`,
    );
  const statementTimeoutMs = positive(params, 'statement_timeout', 15_000);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined;
  const user = decodeURIComponent(url.username) || undefined;
  const pool: PoolConfig = {
    host,
    port: url.port ? Number(url.port) : 5432,
    ...(database ? { database } : {}),
    ...(user ? { user } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ssl: tlsOptions(params),
    max: positive(params, 'pool_size', 10),
    connectionTimeoutMillis: positive(params, 'connect_timeout', 10) * 1000,
    statement_timeout: statementTimeoutMs,
    // A transaction left open (a stalled event loop holding the audit head) must not block every replica.
    idle_in_transaction_session_timeout: statementTimeoutMs,
    application_name: params.get('application_name') ?? 'opsdeck',
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // Idle connections alone never keep the process up, so a failed start still exits.
    allowExitOnIdle: true,
  };
  const display = `postgres://${user ? `${user}@` : ''}${url.host}/${database ?? ''} (schema ${schema})`;
  return { pool, schema, statementTimeoutMs, display };
}

function positive(params: URLSearchParams, key: string, fallback: number): number {
  const text = params.get(key);
  if (text === null) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new DatabaseUrlError(`DATABASE_URL ${key}=${text} must be a whole number above 0`);
  return value;
}

function tlsOptions(params: URLSearchParams): false | ConnectionOptions {
  const mode = params.get('sslmode') ?? 'disable';
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    const why = mode === 'prefer' || mode === 'allow' ? ', as it falls back to plain text without saying' : '';
    throw new DatabaseUrlError(
      `DATABASE_URL sslmode=${mode} is not supported${why}; use ${SSL_MODES.join(', ')} ` +
        '(managed PostgreSQL: verify-full, with sslrootcert=/path/to/ca.pem when its CA is not a public one)',
    );
  }
  if (mode === 'disable') return false;
  const rootcert = params.get('sslrootcert');
  // sslrootcert=system, as in libpq 16: the CAs Node trusts (plus NODE_EXTRA_CA_CERTS), also the default.
  const ca = rootcert && rootcert !== 'system' ? readPem(rootcert, 'sslrootcert') : undefined;
  const cert = params.get('sslcert');
  const key = params.get('sslkey');
  if (Boolean(cert) !== Boolean(key)) throw new DatabaseUrlError('DATABASE_URL needs sslcert and sslkey together');
  const client = cert && key ? { cert: readPem(cert, 'sslcert'), key: readPem(key, 'sslkey') } : {};
  // libpq: require checks nothing unless a root certificate is given, then it acts as verify-ca.
  if (mode === 'require' && !ca) return { ...client, rejectUnauthorized: false };
  const tls: ConnectionOptions = { ...client, ...(ca ? { ca } : {}), rejectUnauthorized: true };
  if (mode === 'verify-full') return tls;
  return { ...tls, checkServerIdentity: () => undefined };
}

function readPem(path: string, key: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new DatabaseUrlError(`DATABASE_URL ${key}=${path} cannot be read: ${(err as Error).message}`);
  }
}
