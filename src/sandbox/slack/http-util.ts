import type { IncomingMessage, ServerResponse } from 'node:http';

export type Args = Record<string, unknown>;

/** Arguments web-api flattens into JSON strings inside a form body. */
const JSON_ENCODED_ARGS = ['blocks', 'attachments', 'files', 'metadata', 'view'];

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads a multipart body with the platform's own parser rather than a hand-written one. */
export async function parseMultipart(raw: Buffer, contentType: string): Promise<Map<string, string | Buffer>> {
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const fields = new Map<string, string | Buffer>();
  for (const [key, value] of form) {
    fields.set(key, typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer()));
  }
  return fields;
}

/** Decodes a Web API request body (form, JSON or multipart) into plain arguments, with nested JSON parsed. */
export async function parseApiArgs(raw: Buffer, contentType: string, query: URLSearchParams): Promise<Args> {
  const args: Args = Object.fromEntries(query);
  if (contentType.startsWith('application/json')) {
    Object.assign(args, raw.length > 0 ? JSON.parse(raw.toString('utf8')) : {});
  } else if (contentType.startsWith('multipart/form-data')) {
    Object.assign(args, Object.fromEntries(await parseMultipart(raw, contentType)));
  } else {
    Object.assign(args, Object.fromEntries(new URLSearchParams(raw.toString('utf8'))));
  }
  for (const key of JSON_ENCODED_ARGS) {
    const value = args[key];
    if (typeof value === 'string' && value !== '') {
      try {
        args[key] = JSON.parse(value);
      } catch {
        // Left as sent: the handler reports it as invalid, like Slack does.
      }
    }
  }
  return args;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}
