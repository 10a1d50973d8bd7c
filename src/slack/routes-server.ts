import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Route } from '../observability/health.ts';
import type { Logger } from '../ports/logger.ts';

/** An error listening on `port`, said with its fix where it has a common one. */
export function listenError(err: unknown, port: number): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new Error(`port ${port} is already in use: set PORT to a free port, or stop what listens there`, {
      cause: err,
    });
  }
  if (code === 'EACCES') {
    return new Error(`port ${port} needs privileges this process lacks: set PORT to 1024 or above`, { cause: err });
  }
  return err;
}

// How long a stop waits for requests in flight before it cuts their connections.
const CLOSE_GRACE_MS = 5_000;

/** The path of a request target, without its query; undefined when the target is not a URL. */
function pathOf(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/**
 * The HTTP server of Socket Mode, where Slack's events come over a socket and HTTP carries only opsdeck's
 * own routes (health, metrics, alert intake), matched by method and exact path. Bolt's receiver can serve
 * them too, but its server has no 'error' listener: a port in use ended the process with a stack trace.
 */
export class RoutesServer {
  readonly #server: Server;
  readonly #log: Logger;

  constructor(routes: readonly Route[], log: Logger) {
    this.#log = log;
    this.#server = createServer((req, res) => {
      const path = pathOf(req.url);
      if (path === undefined) {
        res.writeHead(400).end();
        return;
      }
      const route = routes.find((r) => r.path === path && r.method === req.method);
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      Promise.resolve()
        .then(() => route.handler(req, res))
        .catch((err: unknown) => {
          log.error({ err, path }, 'an HTTP route failed');
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
    });
  }

  /** Listens on `port` (0: any free one); resolves with the port, or rejects saying why it cannot. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const refused = (err: Error) => reject(listenError(err, port));
      this.#server.once('error', refused);
      this.#server.listen(port, () => {
        this.#server.off('error', refused);
        this.#server.on('error', (err) => this.#log.error({ err }, 'the HTTP server failed'));
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  /**
   * Stops listening; requests in flight (an alert being taken, a scrape) finish, and connections still open
   * after `graceMs` are cut. Nothing when it never listened.
   */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    const cut = setTimeout(() => this.#server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(cut);
  }
}
