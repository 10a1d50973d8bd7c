import { randomBytes } from 'node:crypto';

/** Opaque, unguessable ids with a readable prefix: `inv_…` for invocations, `req_…` for requests. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}
