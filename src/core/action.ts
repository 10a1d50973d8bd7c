import type { Replier } from '../ports/chat.ts';
import type { Logger } from '../ports/logger.ts';
import { type Capabilities, type Capability, pick } from './capabilities.ts';

/** A button click. The value is only an opaque id; the handler looks everything else up. */
export interface Click {
  actionId: string;
  value: string;
  userId: string;
  channelId: string;
  messageTs: string | undefined;
  reply: Replier;
  /** What the person wrote in the form the button opened (a rejection's reason), never trusted beyond text. */
  input?: string | undefined;
}

export interface ActionContext<K extends Capability = never> {
  click: Click;
  roles: string[];
  /** Roles that could not be checked right now (Slack's user groups did not answer); they grant nothing. */
  unverified: string[];
  /** Exactly what the action declared in `needs`. */
  deps: Pick<Capabilities, K>;
  log: Logger;
  /** Runs a slash command as the clicking user, through the whole pipeline (permissions, approvals, audit). */
  runCommand(commandLine: string): Promise<void>;
}

/**
 * A button's handler. `actionId` starts with `opsdeck.`; a trailing `*` matches a family of ids
 * (`opsdeck.runbook.run.*`), since ids must be unique within a block.
 */
export interface ActionSpec<K extends Capability> {
  actionId: string;
  /** The capabilities the handler uses; it is given these and nothing else (none when left out). */
  needs?: readonly K[];
  handler(ctx: ActionContext<K>): Promise<void>;
}

/** A button handler as the dispatcher sees it. */
export interface Action {
  actionId: string;
  run(ctx: Omit<ActionContext, 'deps'> & { capabilities: Capabilities }): Promise<void>;
}

export function defineAction<K extends Capability = never>(
  spec: ActionSpec<K>,
): Action & Pick<ActionSpec<K>, 'handler'> {
  const needs = spec.needs ?? [];
  return { ...spec, run: ({ capabilities, ...rest }) => spec.handler({ ...rest, deps: pick(capabilities, needs) }) };
}
