import type { Replier } from '../ports/chat.ts';
import type { Logger } from '../ports/logger.ts';
import type { Services } from './command.ts';

/** A button click. The value is only an opaque id; the handler looks everything else up. */
export interface Click {
  actionId: string;
  value: string;
  userId: string;
  channelId: string;
  messageTs: string | undefined;
  reply: Replier;
}

export interface ActionContext {
  click: Click;
  roles: string[];
  services: Services;
  log: Logger;
}

export interface ActionSpec {
  /** Starts with `opsdeck.`. */
  actionId: string;
  handler(ctx: ActionContext): Promise<void>;
}
