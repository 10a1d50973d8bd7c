import type { Replier } from '../ports/chat.ts';
import type { Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { ActionSpec, Click } from './action.ts';
import type { AuditEntry } from './audit-chain.ts';
import { approversToNotify } from './approvers.ts';
import type { ChangePlan } from './change.ts';
import { checkGuards, type GuardVerdict } from './guards.ts';
import { commandName, type CommandSpec, type Services } from './command.ts';
import { AuditedRefusal, isBackendError, isUserError, UserError } from './errors.ts';
import { newId } from './ids.ts';
import { userText } from './format.ts';
import { textMessage, type Message } from './message.ts';
import { bindTokens, checkTargets, validateArgs } from './parse-args.ts';
import type { Permission } from './permission.ts';
import type { ResolvedRoles } from './policy.ts';
import { redactDeep } from './redact.ts';
import { tokenize } from './tokenize.ts';

export interface Invocation {
  /** The slash command without its slash. */
  family: string;
  text: string;
  userId: string;
  channelId: string;
  reply: Replier;
}

export interface DispatcherDeps extends Services {
  log: Logger;
  metrics: Metrics;
  actions: readonly ActionSpec[];
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
    const run = this.#run(invocation);
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
    return run;
  }

  /** Routes a button click to its action; roles are looked up again now, never taken from the message. */
  click(click: Click): Promise<void> {
    const run = this.#click(click);
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
    return run;
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
      await action.handler({ click, roles, unverified, services: this.#deps, log, runCommand });
    } catch (err) {
      if (isUserError(err)) {
        // Every refused click leaves a trace, whoever refused it; handlers that audit their own say so.
        if (!(err instanceof AuditedRefusal)) await this.#auditClick(log, click, err.message);
        return safeReply(log, click.reply.ephemeral(userErrorMessage(err)));
      }
      log.error({ err }, 'button action failed');
      await safeReply(log, click.reply.ephemeral(textMessage(`:x: Something went wrong (ref \`${invocationId}\`).`)));
    }
  }

  /** Waits for running commands, for graceful shutdown; gives up after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.allSettled([...this.#inFlight]), timeout]);
  }

  async #run(inv: Invocation): Promise<DispatchOutcome> {
    const { log: rootLog, metrics } = this.#deps;
    const invocationId = newId('inv');
    const log = rootLog.child({ invocationId, family: inv.family, user: inv.userId, channel: inv.channelId });
    let spec: CommandSpec | undefined;
    const outcome = await this.#pipeline(inv, invocationId, log, (s) => (spec = s)).catch(async (err: unknown) => {
      log.error({ err }, 'command failed');
      await this.#audit(log, { action: 'command.failed', inv, invocationId, details: { error: String(err) } });
      // Backend failures are written for people (what failed, what the system said); anything else is a bug.
      // A failed change changed nothing (drivers that fail halfway say so themselves); a read is just a failed read.
      const unchanged = (spec as CommandSpec | undefined)?.mutating ? ' Nothing was changed' : '';
      const text = isBackendError(err)
        ? `:x: ${userText(err.message)}${unchanged} (ref \`${invocationId}\`).`
        : `:x: Something went wrong (ref \`${invocationId}\`). The details are in opsdeck's log under that reference.`;
      await safeReply(log, inv.reply.ephemeral(textMessage(text)));
      return 'failed' as const;
    });
    metrics.commandFinished(spec ? commandName(spec) : `/${inv.family}`, outcome);
    log.info({ outcome, command: spec ? commandName(spec) : undefined }, 'command finished');
    return outcome;
  }

  async #pipeline(
    inv: Invocation,
    invocationId: string,
    log: Logger,
    found: (s: CommandSpec) => void,
  ): Promise<DispatchOutcome> {
    const { registry, catalog, policy } = this.#deps;
    let spec: CommandSpec;
    let args: unknown;
    let target: { service?: string; env?: string };
    try {
      const resolved = registry.resolve(inv.family, tokenize(inv.text));
      spec = resolved.spec;
      found(spec);
      const raw = bindTokens(spec, resolved.rest);
      target = checkTargets(spec, raw, catalog);
      args = validateArgs(spec, raw);
    } catch (err) {
      if (!isUserError(err)) throw err;
      await safeReply(log, inv.reply.ephemeral(userErrorMessage(err)));
      return 'invalid';
    }

    const { roles, unverified } = await policy.resolve(inv.userId);
    const denial = this.#authorize(spec, { roles, unverified }, target, inv.channelId);
    const auditTarget = { service: target.service, env: target.env };
    if (denial) {
      await this.#audit(log, {
        action: 'command.denied',
        inv,
        invocationId,
        target: auditTarget,
        details: { command: commandName(spec), reason: denial },
      });
      await safeReply(
        log,
        inv.reply.ephemeral(textMessage(`:no_entry: You can't run \`${commandName(spec)}\` here: ${denial}.`)),
      );
      return 'denied';
    }

    const guard: Partial<GuardVerdict> = spec.guarded ? await this.#guard(args, roles, target, inv.userId) : {};
    if (guard.blocked) {
      await this.#audit(log, {
        action: 'command.denied',
        inv,
        invocationId,
        target: auditTarget,
        details: { command: commandName(spec), reason: guard.blocked },
      });
      await safeReply(log, inv.reply.ephemeral(textMessage(`:lock: ${guard.blocked}.`)));
      return 'denied';
    }

    const written = await this.#audit(log, {
      action: 'command.accepted',
      inv,
      invocationId,
      target: auditTarget,
      details: { command: commandName(spec), roles },
    });
    if (!written && spec.mutating) {
      await safeReply(
        log,
        inv.reply.ephemeral(
          textMessage(
            `:no_entry: Refused: the audit log cannot be written, so nothing was changed (ref \`${invocationId}\`).`,
          ),
        ),
      );
      return 'failed';
    }

    const reply = this.#withWorkingNotice(inv.reply, log);
    try {
      const submit = async (plan: ChangePlan, options: { dryRun: boolean }) =>
        this.#deps.changes.submit(plan, {
          requester: inv.userId,
          channel: inv.channelId,
          invocationId,
          reply,
          posted: reply.settle,
          dryRun: options.dryRun,
          forced: guard.forced,
          notify: guard.forced ? await approversToNotify(this.#deps, plan.env) : [],
        });
      await spec.handler({
        invocationId,
        actor: { userId: inv.userId, roles },
        channelId: inv.channelId,
        args,
        target,
        services: this.#deps,
        reply,
        log,
        submit,
      });
      return 'ok';
    } catch (err) {
      if (!isUserError(err)) throw err;
      await this.#audit(log, {
        action: 'command.refused',
        inv,
        invocationId,
        target: auditTarget,
        details: { command: commandName(spec), reason: err.message },
      });
      await safeReply(log, inv.reply.ephemeral(userErrorMessage(err)));
      return 'invalid';
    } finally {
      reply.settle();
    }
  }

  /**
   * A replier that tells the user "working on it" when a command has said nothing for a couple of
   * seconds (a slow backend), so a slow answer is never mistaken for a lost one.
   */
  #withWorkingNotice(inner: Replier, log: Logger): Replier & { settle(): void } {
    let answered = false;
    const timer = setTimeout(() => {
      if (answered) return;
      void safeReply(
        log,
        inner.ephemeral(
          textMessage(':hourglass_flowing_sand: Working on it… the systems behind this command are slow to answer.'),
        ),
      );
    }, this.#deps.workingNoticeMs ?? WORKING_NOTICE_MS);
    timer.unref();
    const answer = (send: (m: Message) => Promise<void>) => (message: Message) => {
      answered = true;
      clearTimeout(timer);
      return send(message);
    };
    return {
      ephemeral: answer((m) => inner.ephemeral(m)),
      inChannel: answer((m) => inner.inChannel(m)),
      settle: () => clearTimeout(timer),
    };
  }

  #authorize(
    spec: CommandSpec,
    held: ResolvedRoles,
    target: { service?: string; env?: string },
    channelId: string,
  ): string | undefined {
    const { policy, catalog } = this.#deps;
    if (spec.permission !== null) {
      const need: Permission = { verb: spec.permission, service: target.service, env: target.env };
      if (!policy.allows(held.roles, need)) return policy.denialReason(held.roles, need, held.unverified);
    }
    const channels = target.env ? catalog.environments[target.env]?.channels : undefined;
    if (spec.mutating && channels?.length && !channels.includes(channelId)) {
      const where = channels.map((c) => `<#${c}>`).join(' or ');
      return `changes to \`${target.env}\` are only accepted in ${where}`;
    }
    return undefined;
  }

  /** Locks and freezes, which `--force` passes for holders of `breakglass`. */
  async #guard(
    args: unknown,
    roles: string[],
    target: { service?: string; env?: string },
    userId: string,
  ): Promise<GuardVerdict> {
    if (!target.service || !target.env) return { reasons: [] };
    const { store, catalog, clock, policy } = this.#deps;
    const force = (args as { force?: unknown }).force === true;
    const canBreakGlass = policy.allows(roles, { verb: 'breakglass', service: target.service, env: target.env });
    return checkGuards({
      store,
      catalog,
      now: clock.now(),
      service: target.service,
      env: target.env,
      actor: userId,
      force,
      canBreakGlass,
    });
  }

  async #auditClick(log: Logger, click: Click, reason: string): Promise<void> {
    const entry: AuditEntry = {
      actor: click.userId,
      action: 'click.refused',
      target: {},
      requestId: click.value.slice(0, 200) || newId('inv'),
      details: redactDeep({ action: click.actionId, reason, channel: click.channelId }),
    };
    try {
      await this.#deps.store.appendAudit(entry, this.#deps.clock.now());
    } catch (err) {
      log.error({ err, action: entry.action }, 'audit write failed');
    }
  }

  /** Returns false when the entry could not be written; the caller decides whether to fail closed. */
  async #audit(
    log: Logger,
    a: {
      action: string;
      inv: Invocation;
      invocationId: string;
      target?: { service?: string | undefined; env?: string | undefined };
      details: Record<string, unknown>;
    },
  ): Promise<boolean> {
    const entry: AuditEntry = {
      actor: a.inv.userId,
      action: a.action,
      target: a.target ?? {},
      requestId: a.invocationId,
      details: redactDeep({ ...a.details, text: `/${a.inv.family} ${a.inv.text}`.trim(), channel: a.inv.channelId }),
    };
    try {
      await this.#deps.store.appendAudit(entry, this.#deps.clock.now());
      return true;
    } catch (err) {
      log.error({ err, action: a.action }, 'audit write failed');
      return false;
    }
  }
}

function userErrorMessage(err: UserError): ReturnType<typeof textMessage> {
  const usage = err.usage ? `\nUsage: \`${err.usage}\`` : '';
  return textMessage(`:warning: ${err.message}${usage}`);
}

async function safeReply(log: Logger, sending: Promise<void>): Promise<void> {
  try {
    await sending;
  } catch (err) {
    log.warn({ err }, 'could not send reply');
  }
}
