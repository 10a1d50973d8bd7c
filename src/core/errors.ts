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
