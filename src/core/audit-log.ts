import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { AuditStore } from '../ports/store.ts';
import { BackendError } from './errors.ts';
import type { Redactor } from './redact.ts';

/** One thing that happened, in the one shape every part of opsdeck writes. */
export interface AuditEvent {
  /** A Slack user id, or `opsdeck` for what the system did on its own (expiry, recovery). */
  actor: string;
  /** Dotted: `deploy.requested`, `approval.granted`, `command.denied`, `logs.follow.stopped`. */
  action: string;
  target?: { service?: string | undefined; env?: string | undefined } | undefined;
  /** The request, tail or invocation it belongs to. */
  requestId: string;
  details?: Record<string, unknown> | undefined;
}

/**
 * The audit log could not be written: a change that needed its entry first must not happen. A backend
 * failure for the user's purposes: they are told so, with the reference of opsdeck's log entry.
 */
export class AuditUnavailable extends BackendError {
  constructor(action: string, options?: { cause?: unknown }) {
    super(`Refused: the audit log cannot be written (${action}).`, options);
    this.name = 'AuditUnavailable';
  }
}

export const SYSTEM_ACTOR = 'opsdeck';

/**
 * The audit log, the one way anything is recorded: stamped by the clock, every detail redacted before it
 * is hashed. `record` is for what happened (a failure is logged, and the caller decides what to do with
 * `false`); `require` is for what is about to happen and must not without its entry (fail closed).
 */
export class AuditLog {
  readonly #store: AuditStore;
  readonly #clock: Clock;
  readonly #redactor: Redactor;
  readonly #log: Logger;
  readonly #listeners: ((event: AuditEvent) => void)[] = [];

  constructor(deps: { store: AuditStore; clock: Clock; redactor: Redactor; log: Logger }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#redactor = deps.redactor;
    this.#log = deps.log;
  }

  /** Writes the entry; false (and an error in opsdeck's log) when it could not be written. */
  async record(event: AuditEvent): Promise<boolean> {
    try {
      await this.#write(event);
      this.#tell(event);
      return true;
    } catch (err) {
      this.#log.error({ err, action: event.action, requestId: event.requestId }, 'audit write failed');
      return false;
    }
  }

  /**
   * Called after every entry is written. Everything that changes state is audited, so views that show
   * state (App Home) learn here that they may be out of date.
   */
  onRecorded(listener: (event: AuditEvent) => void): void {
    this.#listeners.push(listener);
  }

  #tell(event: AuditEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#log.warn({ err, action: event.action }, 'an audit listener failed');
      }
    }
  }

  /** Writes the entry or throws `AuditUnavailable`, for steps that must not happen unrecorded. */
  async require(event: AuditEvent): Promise<void> {
    if (!(await this.record(event))) throw new AuditUnavailable(event.action);
  }

  async #write(event: AuditEvent): Promise<void> {
    await this.#store.appendAudit(
      {
        actor: event.actor,
        action: event.action,
        target: {
          ...(event.target?.service ? { service: event.target.service } : {}),
          ...(event.target?.env ? { env: event.target.env } : {}),
        },
        requestId: event.requestId,
        details: this.#redactor.deep(event.details ?? {}),
      },
      this.#clock.now(),
    );
  }
}
