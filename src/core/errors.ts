import { plainText, type Text } from './text.ts';

/** An error whose message is written for the person who typed the command; shown as is. */
export class UserError extends Error {
  /** The message as shown in chat; `message` is the same as plain text, for logs and the terminal. */
  readonly text: Text;
  readonly usage: string | undefined;
  constructor(text: Text, usage?: string) {
    super(plainText(text));
    this.name = 'UserError';
    this.text = text;
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
  readonly text: Text;
  constructor(text: Text, options?: { cause?: unknown }) {
    super(plainText(text), options);
    this.name = 'BackendError';
    this.text = text;
  }
}

export function isBackendError(err: unknown): err is BackendError {
  return err instanceof BackendError;
}

/** A refusal whose audit entry the thrower already wrote, so the dispatcher does not write a second one. */
export class AuditedRefusal extends UserError {
  constructor(text: Text) {
    super(text);
    this.name = 'AuditedRefusal';
  }
}
