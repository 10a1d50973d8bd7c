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
  /** Roles that could not be checked right now (Slack's user groups did not answer); they grant nothing. */
  unverified: string[];
  services: Services;
  log: Logger;
  /** Runs a slash command as the clicking user, through the whole pipeline (permissions, approvals, audit). */
  runCommand(commandLine: string): Promise<void>;
}

export interface ActionSpec {
  /** Starts with `opsdeck.`; a trailing `*` matches a family of ids (`opsdeck.runbook.run.*`), since ids must be unique within a block. */
  actionId: string;
  handler(ctx: ActionContext): Promise<void>;
}
