const DOCS = 'https://docs.github.com/rest';

export interface ValidationError {
  readonly resource?: string;
  readonly field?: string;
  readonly code: string;
  readonly message?: string;
  readonly [extra: string]: unknown;
}

/** An error answered with GitHub's error body: `{message, documentation_url, status}` (+ `errors` on 409/422). */
export class HttpError extends Error {
  readonly status: number;
  readonly errors: readonly ValidationError[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    options: { errors?: readonly ValidationError[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.errors = status === 422 ? (options.errors ?? []) : options.errors;
    this.headers = options.headers ?? {};
  }

  body(): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.errors === undefined ? {} : { errors: this.errors }),
      documentation_url: DOCS,
      status: String(this.status),
    };
  }
}

export const notFound = (): HttpError => new HttpError(404, 'Not Found');

export const invalidField = (resource: string, field: string, message: string): HttpError =>
  new HttpError(422, 'Validation Failed', { errors: [{ resource, field, code: 'invalid', message }] });
