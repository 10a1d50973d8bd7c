import type { ConsoleOptions } from './console-types.ts';
import type { Args } from './http-util.ts';
import type { StoredMessage } from './message-store.ts';
import type { StoredView } from './views.ts';
import type { ResponseUrlLimits } from './response-urls.ts';
import type { SocketEvent, SocketPick } from './socket-mode.ts';
import type { WorkspaceSeed } from './workspace.ts';

export interface SlackEmulatorOptions {
  signingSecret: string;
  botToken: string;
  /** App-level token (`xapp-…`) that apps.connections.open accepts; without one, Socket Mode is refused. */
  appToken?: string;
  /** Where slash commands and block actions go over HTTP, e.g. `http://127.0.0.1:3000/slack/events`. */
  botUrl?: string;
  port?: number;
  host?: string;
  /** Replaces the default workspace key by key (team, bot, users, usergroups, channels). */
  workspace?: Partial<WorkspaceSeed>;
  responseUrlLimits?: Partial<ResponseUrlLimits>;
  /** Clock (ms) for message timestamps, call times, response_url expiry and request signing timestamps. */
  now?: () => number;
  /** How envelopes are spread over several Socket Mode connections (default `round-robin`). */
  socketPick?: SocketPick;
  /** Serves the web console at `GET /` (and its API under `/console/api/`) with these commands and controls. */
  console?: ConsoleOptions;
}

export interface ApiCall {
  method: string;
  /** Decoded arguments, with JSON-encoded ones (blocks, files, …) parsed and the token left out. */
  args: Args;
  at: number;
}

export interface UserMessageInput {
  user: string;
  channel: string;
  text: string;
  threadTs?: string;
}

export type SlackEmulatorEvents = {
  message: [StoredMessage];
  update: [StoredMessage];
  call: [ApiCall];
  reset: [];
  /** A Socket Mode connection opened or closed. */
  socket: [SocketEvent];
  /** An App Home published or a modal opened, updated or (with `true`) closed. */
  view: [StoredView, boolean];
};
