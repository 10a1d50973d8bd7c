import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Set for a streamed answer (an event stream): `body` is ignored and the stream writes chunks until it ends. */
  readonly stream?: (sink: ResponseSink) => void;
}

/** Where a streamed answer writes; `onClose` fires once, whether the stream ended or the client went away. */
export interface ResponseSink {
  write(chunk: Uint8Array): void;
  end(): void;
  onClose(listener: () => void): void;
}

export interface RunningServer {
  readonly url: string;
  /** Resolves once closed; drops keep-alive connections (the AWS CLI keeps them) and may be repeated. */
  close(): Promise<void>;
}

/** A loopback HTTP server answering each fully read request with `handle`'s response. */
export async function listen(
  handle: (req: HttpRequest) => HttpResponse,
  options: { host?: string; port?: number },
): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let reply: HttpResponse;
      try {
        const body = Buffer.concat(chunks).toString('utf8');
        reply = handle({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body });
      } catch {
        // Only before the emulator is wired up; the protocol layer answers every other failure itself.
        res.destroy();
        return;
      }
      if (reply.stream) {
        res.writeHead(reply.status, reply.headers);
        res.flushHeaders();
        reply.stream({
          write: (chunk) => void res.write(chunk),
          end: () => void res.end(),
          onClose: (listener) => void res.once('close', listener),
        });
        return;
      }
      res.writeHead(reply.status, { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) });
      res.end(reply.body);
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
