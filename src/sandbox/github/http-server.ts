import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON-encoded when present; absent for 204. */
  readonly body?: unknown;
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A loopback HTTP server answering JSON; `close()` also drops keep-alive connections and may be repeated. */
export async function listen(
  handle: (req: HttpRequest) => Promise<HttpResponse>,
  options: { host?: string; port?: number } = {},
): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? 'GET',
        target: req.url ?? '/',
        headers: req.headers,
        text: Buffer.concat(chunks).toString('utf8'),
      };
      const send = (reply: HttpResponse) => {
        // A request held by an injected delay can outlive the connection when the server closes.
        if (res.destroyed) return;
        const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          ...reply.headers,
          ...(payload === '' ? {} : { 'content-type': 'application/json; charset=utf-8' }),
          'content-length': Buffer.byteLength(payload),
        });
        res.end(payload);
      };
      handle(request).then(send, () => res.destroy());
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  };
}
