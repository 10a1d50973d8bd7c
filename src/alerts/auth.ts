import { timingSafeEqual } from 'node:crypto';

/** Compares secrets in time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface WebhookCredentials {
  bearerToken?: string | undefined;
  basic?: { username: string; password: string } | undefined;
}

/** True when the Authorization header carries the bearer token or the basic credentials configured. */
export function authorized(header: string | undefined, credentials: WebhookCredentials): boolean {
  if (!header) return false;
  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer' && credentials.bearerToken) return sameSecret(value, credentials.bearerToken);
  if (scheme.toLowerCase() === 'basic' && credentials.basic) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const { username, password } = credentials.basic;
    return sameSecret(decoded, `${username}:${password}`);
  }
  return false;
}
