import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.ts';

const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'RequestEntityTooLarge', 'request entity too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers JSON whatever the Accept header asked for (protobuf included); clients decode by Content-Type. */
export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-cache, private',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.code, error.toStatus());
}

/** Starts a long-lived chunked response (watch, log follow). */
export function startStream(res: ServerResponse, contentType: string): void {
  res.writeHead(200, {
    'content-type': contentType,
    'cache-control': 'no-cache, private',
    'transfer-encoding': 'chunked',
  });
  res.flushHeaders();
}

/** Boolean query flags the way kube-apiserver reads them (`true`, `1`). */
export function flag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  return value === 'true' || value === '1';
}

export function intParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) {
    throw new ApiError(400, 'BadRequest', `invalid value for ${name}: ${JSON.stringify(value)}: must be an integer`);
  }
  return parsed;
}

/** Parses a POST/PUT body; only JSON is spoken (protobuf and CBOR clients get 415 and fall back to JSON). */
export function parseJsonBody(contentType: string | undefined, text: string): unknown {
  const mediaType = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json' && mediaType !== '*/*') {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - ' +
        'accepted media types include: application/json, application/yaml',
    );
  }
  return parseJson(text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'BadRequest', `error decoding request body: ${(error as Error).message}`);
  }
}
