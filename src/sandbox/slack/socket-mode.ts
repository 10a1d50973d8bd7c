import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** A Socket Mode connection opening or closing, for the console. */
export interface SocketEvent {
  type: 'connect' | 'disconnect';
  /** Stable for one connection, so a console can pair its connect and disconnect. */
  id: string;
  /** Open connections after this change. */
  connections: number;
  /** Close code and reason, on disconnect. */
  code?: number;
  reason?: string;
}

export interface SocketAck {
  acked: boolean;
  /** What the app sent back with its ack, if anything. */
  payload?: unknown;
}

/** Which open connection takes the next envelope: in turn, or any of them as Slack does with several. */
export type SocketPick = 'round-robin' | 'random';

export interface SocketModeDeps {
  appId: () => string;
  onChange: (event: SocketEvent) => void;
  /** Default `round-robin`, so a test knows which connection gets what. */
  pick?: SocketPick;
}

/** Slack waits this long for an envelope's ack and then gives up on it. */
export const ACK_TIMEOUT_MS = 3000;
/** Slack's cap on concurrent connections per app; the one past it is told to go away. */
const MAX_CONNECTIONS = 10;
/** How long close() lets an app answer the close handshake before cutting the connection. */
const CLOSE_GRACE_MS = 1000;

interface Pending {
  ws: WebSocket;
  settle: (ack: SocketAck) => void;
}

/** Slack's Socket Mode side: single-use connection URLs, hello/disconnect, envelopes and their acks. */
export class SocketModeServer {
  readonly #deps: SocketModeDeps;
  // Tracks every upgraded socket (including refused ones) so close() can reach them all.
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #tickets = new Set<string>();
  readonly #pending = new Map<string, Pending>();
  #serial = 0;
  #next = 0;

  constructor(deps: SocketModeDeps) {
    this.#deps = deps;
  }

  /** The URL apps.connections.open hands out; its ticket admits one connection. */
  issueUrl(baseUrl: string): string {
    const ticket = randomUUID();
    this.#tickets.add(ticket);
    return `${baseUrl.replace(/^http/, 'ws')}/socket?ticket=${ticket}`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname !== '/socket' || !this.#tickets.delete(url.searchParams.get('ticket') ?? '')) {
      const status = url.pathname === '/socket' ? '401 Unauthorized' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
  }

  /** Connections that can take envelopes (open, and not told to disconnect). */
  count(): number {
    return this.#open().length;
  }

  /** Sends one envelope to one open connection (in turn, or at random) and waits for its ack. */
  deliver(type: EnvelopeType, payload: object): Promise<SocketAck> {
    const open = this.#open();
    const turn = this.#deps.pick === 'random' ? Math.floor(Math.random() * open.length) : this.#next++;
    const ws = open[turn % open.length];
    if (!ws) return Promise.reject(new Error('SlackEmulator: no Socket Mode connection is open'));
    const envelopeId = randomUUID();
    return new Promise<SocketAck>((resolve) => {
      const timer = setTimeout(() => settle({ acked: false }), ACK_TIMEOUT_MS);
      const settle = (ack: SocketAck): void => {
        clearTimeout(timer);
        this.#pending.delete(envelopeId);
        resolve(ack);
      };
      this.#pending.set(envelopeId, { ws, settle });
      // Slack reads an ack's payload for slash commands, view submissions and options; events take none.
      const acceptsResponsePayload = type !== 'events_api';
      ws.send(
        JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: acceptsResponsePayload }),
      );
    });
  }

  /** Asks every open connection to go away, as Slack does when it recycles them; resolves once they closed. */
  async disconnectAll(reason: string): Promise<void> {
    await Promise.all(this.#open().map((ws) => this.#disconnect(ws, reason)));
  }

  async close(): Promise<void> {
    const closing = [...this.#wss.clients].map((ws) => {
      const grace = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
      return this.#closeAndWait(ws, 1001).finally(() => clearTimeout(grace));
    });
    await Promise.all(closing);
    this.#wss.close();
  }

  #open(): WebSocket[] {
    return [...this.#wss.clients].filter((ws) => ws.readyState === WebSocket.OPEN);
  }

  #accept(ws: WebSocket): void {
    // Errors are always followed by 'close', which is where the connection is accounted for.
    ws.on('error', () => undefined);
    if (this.#open().length > MAX_CONNECTIONS) {
      void this.#disconnect(ws, 'too_many_websockets');
      return;
    }
    const id = `conn-${++this.#serial}`;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.#onAck(data);
    });
    ws.on('close', (code, reason) => {
      for (const pending of this.#pending.values()) if (pending.ws === ws) pending.settle({ acked: false });
      this.#deps.onChange({ type: 'disconnect', id, connections: this.count(), code, reason: reason.toString() });
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.count(),
        debug_info: { host: 'opsdeck-sandbox', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.#deps.appId() },
      }),
    );
    this.#deps.onChange({ type: 'connect', id, connections: this.count() });
  }

  #onAck(data: RawData): void {
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return; // Slack ignores frames it cannot read.
    }
    if (typeof message !== 'object' || message === null) return;
    const { envelope_id: envelopeId, payload } = message as { envelope_id?: unknown; payload?: unknown };
    const pending = typeof envelopeId === 'string' ? this.#pending.get(envelopeId) : undefined;
    pending?.settle(payload === undefined ? { acked: true } : { acked: true, payload });
  }

  #disconnect(ws: WebSocket, reason: string): Promise<void> {
    ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'opsdeck-sandbox' } }));
    return this.#closeAndWait(ws, 1000);
  }

  /** Starts the close handshake and resolves when the socket is fully closed. */
  #closeAndWait(ws: WebSocket, code: number): Promise<void> {
    if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    const done = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.close(code);
    return done;
  }
}
