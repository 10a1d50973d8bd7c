export type Body = Record<string, unknown>;

/** A request the console API refuses with 400 and this message. */
export class BadRequest extends Error {}

export function parseBody(raw: Buffer): Body {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadRequest('the body must be JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequest('the body must be a JSON object');
  return body as Body;
}

export function requireString(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new BadRequest(`${key} must be a non-empty string`);
  return value;
}

export function optionalString(body: Body, key: string): string | undefined {
  return body[key] === undefined ? undefined : requireString(body, key);
}
