/** An error whose message is written for the person who typed the command; shown as is. */
export class UserError extends Error {
  readonly usage: string | undefined;
  constructor(message: string, usage?: string) {
    super(message);
    this.name = 'UserError';
    this.usage = usage;
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

/**
 * A system opsdeck depends on (GitHub, Kubernetes, a cloud API) failed or did not answer. The
 * message names the operation and what the system said, so it is shown to the user as written.
 */
export class BackendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendError';
  }
}

export function isBackendError(err: unknown): err is BackendError {
  return err instanceof BackendError;
}

/** A refusal whose audit entry the thrower already wrote, so the dispatcher does not write a second one. */
export class AuditedRefusal extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'AuditedRefusal';
  }
}
