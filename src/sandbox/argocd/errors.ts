/** An error in the grpc-gateway shape Argo CD's REST API answers: `{error, code, message}` with a gRPC code. */
export class ArgoError extends Error {
  readonly status: number;
  readonly code: number;

  constructor(status: number, code: number, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  body(): Record<string, unknown> {
    return { error: this.message, code: this.code, message: this.message };
  }
}

export const notFound = (name: string): ArgoError =>
  new ArgoError(404, 5, `applications.argoproj.io "${name}" not found`);
export const unauthenticated = (message: string): ArgoError => new ArgoError(401, 16, message);
export const permissionDenied = (message: string): ArgoError => new ArgoError(403, 7, message);
export const invalidArgument = (message: string): ArgoError => new ArgoError(400, 3, message);
export const failedPrecondition = (message: string): ArgoError => new ArgoError(400, 9, message);
