import type { Replier } from '../ports/chat.ts';
import type { Directory } from '../ports/directory.ts';
import type { Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { Action, Click } from './action.ts';
import { approversToNotify } from './approvers.ts';
import type { AuditEvent } from './audit-log.ts';
import { denial, guard, type Target } from './authorize.ts';
import type { Capabilities } from './capabilities.ts';
import type { ChangePlan } from './changes/define-change.ts';
import type { ChangeFlow } from './changes/change-flow.ts';
import { type Command, commandName, type SubmitOptions } from './command.ts';
import { AuditedRefusal, isBackendError, isUserError, UserError } from './errors.ts';
import type { GuardVerdict } from './guards.ts';
import { newId } from './ids.ts';
import { type Message, textMessage } from './message.ts';
import { bindTokens, checkTargets, validateArgs } from './parse-args.ts';
import type { Policy } from './policy.ts';
import { code, emoji, join, plainText, t, type Text } from './text.ts';
import { tokenize } from './tokenize.ts';
import { withWorkingNotice } from './working-notice.ts';

export interface Invocation {
  /** The slash command without its slash. */
  family: string;
  text: string;
  userId: string;
  channelId: string;
  reply: Replier;
}

export interface DispatcherDeps {
  /** What commands and buttons may be given; each gets only what it declares. */
  capabilities: Capabilities;
  /** Roles are resolved here, with user groups looked up through the directory. */
  policy: Policy;
  directory: Directory;
  changes: Pick<ChangeFlow, 'submit'>;
  actions: readonly Action[];
  log: Logger;
  metrics: Metrics;
  /** After this long without an answer, the user is told the command is being worked on (default 2 s). */
  workingNoticeMs?: number;
}

const WORKING_NOTICE_MS = 2000;

export type DispatchOutcome = 'ok' | 'invalid' | 'denied' | 'failed';

/**
 * The pipeline every command goes through: parse → validate → authorize → audit → handler.
 * Authorization lives here, driven by the spec, so no handler can forget it.
 */
export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  dispatch(invocation: Invocation): Promise<DispatchOutcome> {
    return this.#track(this.#run(invocation));
  }

  /**
   * What would refuse this invocation before it runs (unknown words, invalid arguments, a permission or
   * channel rule), without running, auditing or answering: so a form can show the problem next to its fields
   * before it closes. The command is then dispatched as usual, and checked again.
   */
  async precheck(inv: Omit<Invocation, 'reply'>): Promise<string | undefined> {
    const { capabilities } = this.#deps;
    try {
      const { command, target } = this.#parse(inv);
      const held = await this.#deps.policy.resolve(inv.userId);
      const refused = denial(capabilities, command, held, target, inv.channelId);
      return refused ? `You can't run ${this.#named(commandName(command))} here: ${plainText(refused)}.` : undefined;
    } catch (err) {
      if (isUserError(err)) return plainText(err.text);
      throw err;
    }
  }

  /** The command line as the pipeline and `precheck` both read it: resolved, bound, targets checked, validated. */
  #parse(inv: Pick<Invocation, 'family' | 'text'>, found?: (c: Command) => void) {
    const { commands, catalog } = this.#deps.capabilities;
    const resolved = commands.resolve(inv.family, tokenize(inv.text));
    const command = resolved.spec;
    found?.(command);
    const raw = bindTokens(command, resolved.rest);
    const target = checkTargets(command, raw, catalog);
    return { command, target, args: validateArgs(command, raw) };
  }

  #named(text: string): string {
    return this.#deps.capabilities.commands.rename(text);
  }

  /** Routes a button click to its action; roles are looked up again now, never taken from the message. */
  click(click: Click): Promise<void> {
    return this.#track(this.#click(click));
  }

  /** Waits for running commands, for graceful shutdown; gives up after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.allSettled([...this.#inFlight]), timeout]);
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
    return work;
  }

  async #click(click: Click): Promise<void> {
    const invocationId = newId('inv');
    const log = this.#deps.log.child({
      invocationId,
      action: click.actionId,
      user: click.userId,
      channel: click.channelId,
    });
    const action = this.#deps.actions.find((a) =>
      a.actionId.endsWith('*') ? click.actionId.startsWith(a.actionId.slice(0, -1)) : a.actionId === click.actionId,
    );
    try {
      if (!action) throw new UserError('This button is no longer active. Run the command again.');
      const { roles, unverified } = await this.#deps.policy.resolve(click.userId);
      const runCommand = async (commandLine: string) => {
        const [, family = '', text = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(commandLine.trim()) ?? [];
        await this.dispatch({ family, text, userId: click.userId, channelId: click.channelId, reply: click.reply });
      };
      await action.run({ click, roles, unverified, capabilities: this.#deps.capabilities, log, runCommand });
    } catch (err) {
      if (isUserError(err)) {
        // Every refused click leaves a trace, whoever refused it; handlers that audit their own say so.
        if (!(err instanceof AuditedRefusal)) {
          await this.#deps.capabilities.audit.record({
            actor: click.userId,
            action: 'click.refused',
            requestId: click.value.slice(0, 200) || invocationId,
            details: { action: click.actionId, reason: err.message, channel: click.channelId },
          });
        }
        return safeReply(log, click.reply.ephemeral(this.#userErrorMessage(err)));
      }
      log.error({ err }, 'button action failed');
      await safeReply(
        log,
        click.reply.ephemeral(textMessage(t`${emoji('x')} Something went wrong (ref ${code(invocationId)}).`)),
      );
    }
  }

  async #run(inv: Invocation): Promise<DispatchOutcome> {
    const invocationId = newId('inv');
    const log = this.#deps.log.child({ invocationId, family: inv.family, user: inv.userId, channel: inv.channelId });
    let command: Command | undefined;
    const outcome = await this.#pipeline(inv, invocationId, log, (c) => (command = c)).catch(async (err: unknown) => {
      log.error({ err }, 'command failed');
      await this.#audit(inv, invocationId, { action: 'command.failed', details: { error: String(err) } });
      // Backend failures are written for people (what failed, what the system said); anything else is a bug.
      // A failed change changed nothing (drivers that fail halfway say so themselves); a read is just a failed read.
      const unchanged = (command as Command | undefined)?.mutating ? ' Nothing was changed' : '';
      const ref = code(invocationId);
      const text = isBackendError(err)
        ? t`${emoji('x')} ${err.text}${unchanged} (ref ${ref}).`
        : t`${emoji('x')} Something went wrong (ref ${ref}). The details are in opsdeck's log under that reference.`;
      await safeReply(log, inv.reply.ephemeral(textMessage(text)));
      return 'failed' as const;
    });
    const name = command ? commandName(command) : `/${inv.family}`;
    this.#deps.metrics.commandFinished(name, outcome);
    log.info({ outcome, command: command ? name : undefined }, 'command finished');
    return outcome;
  }

  async #pipeline(
    inv: Invocation,
    invocationId: string,
    log: Logger,
    found: (c: Command) => void,
  ): Promise<DispatchOutcome> {
    const { capabilities } = this.#deps;
    let command: Command;
    let args: unknown;
    let target: Target;
    try {
      ({ command, target, args } = this.#parse(inv, found));
    } catch (err) {
      if (!isUserError(err)) throw err;
      await safeReply(log, inv.reply.ephemeral(this.#userErrorMessage(err)));
      return 'invalid';
    }

    const name = commandName(command);
    const audit = (action: string, details: Record<string, unknown>) =>
      this.#audit(inv, invocationId, { action, target, details: { command: name, ...details } });
    const { roles, unverified } = await this.#deps.policy.resolve(inv.userId);
    const refused = denial(capabilities, command, { roles, unverified }, target, inv.channelId);
    if (refused) {
      await audit('command.denied', { reason: plainText(refused) });
      await safeReply(
        log,
        inv.reply.ephemeral(
          textMessage(t`${emoji('no_entry')} You can't run ${code(this.#named(name))} here: ${refused}.`),
        ),
      );
      return 'denied';
    }
    const guarded: GuardVerdict = command.guarded
      ? await guard(capabilities, args, roles, target, inv.userId)
      : { reasons: [] };
    if (guarded.blocked) {
      await audit('command.denied', { reason: plainText(guarded.blocked) });
      await safeReply(log, inv.reply.ephemeral(textMessage(t`${emoji('lock')} ${guarded.blocked}.`)));
      return 'denied';
    }
    if (!(await audit('command.accepted', { roles })) && command.mutating) {
      const refused = 'Refused: the audit log cannot be written, so nothing was changed';
      const text = t`${emoji('no_entry')} ${refused} (ref ${code(invocationId)}).`;
      await safeReply(log, inv.reply.ephemeral(textMessage(text)));
      return 'failed';
    }

    const reply = withWorkingNotice(inv.reply, this.#deps.workingNoticeMs ?? WORKING_NOTICE_MS, log);
    try {
      const submit = async (plan: ChangePlan, options: SubmitOptions) => {
        const passed = [guarded.forced, options.forced].filter((f): f is Text => f !== undefined);
        const forced = passed.length ? join(passed, '; ') : undefined;
        return this.#deps.changes.submit(plan, {
          requester: inv.userId,
          channel: inv.channelId,
          invocationId,
          reply,
          posted: reply.settle,
          dryRun: options.dryRun,
          forced,
          notify: forced ? await approversToNotify(this.#approverSources(), plan.env) : [],
          emergency:
            options.emergency === undefined
              ? undefined
              : { reason: options.emergency, roles, unverified, command: withoutEmergency(inv.family, inv.text) },
        });
      };
      const actor = { userId: inv.userId, roles };
      await command.run({
        invocationId,
        actor,
        channelId: inv.channelId,
        args,
        target,
        capabilities,
        reply,
        log,
        submit,
      });
      return 'ok';
    } catch (err) {
      if (!isUserError(err)) throw err;
      await audit('command.refused', { reason: err.message });
      await safeReply(log, inv.reply.ephemeral(this.#userErrorMessage(err)));
      return 'invalid';
    } finally {
      reply.settle();
    }
  }

  #userErrorMessage(err: UserError): Message {
    const usage = err.usage ? t`\nUsage: ${code(this.#named(err.usage))}` : '';
    return textMessage(t`${emoji('warning')} ${err.text}${usage}`);
  }

  #approverSources() {
    const { capabilities, directory } = this.#deps;
    return { catalog: capabilities.catalog, permissions: capabilities.permissions, directory };
  }

  /** Returns false when the entry could not be written; the caller decides whether to fail closed. */
  #audit(
    inv: Invocation,
    invocationId: string,
    entry: Pick<AuditEvent, 'action' | 'target' | 'details'>,
  ): Promise<boolean> {
    return this.#deps.capabilities.audit.record({
      ...entry,
      actor: inv.userId,
      requestId: invocationId,
      details: { ...entry.details, text: `/${inv.family} ${inv.text}`.trim(), channel: inv.channelId },
    });
  }
}

/** The command as typed, less its `--emergency "…"`: what to run to ask the usual way. */
function withoutEmergency(family: string, text: string): string {
  const rest = text.replace(/\s*(?:--|\u2014|\u2013)emergency(?:=|\s+)(?:"[^"]*"|'[^']*'|“[^”]*”|\S+)/, '');
  return `/${family} ${rest}`.trim();
}

async function safeReply(log: Logger, sending: Promise<void>): Promise<void> {
  try {
    await sending;
  } catch (err) {
    log.warn({ err }, 'could not send reply');
  }
}
