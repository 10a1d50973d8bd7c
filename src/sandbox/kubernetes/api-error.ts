/** Failures rendered as `meta/v1 Status` bodies, the way kube-apiserver does (k8s.io/apimachinery/pkg/api/errors). */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** What an error refers to: `group` is '' for the core API, `resource` is the plural (e.g. `deployments`). */
export interface ResourceRef {
  group: string;
  resource: string;
  name: string;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): StatusBody {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

function qualified(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

function refDetails(ref: ResourceRef): StatusDetails {
  return { name: ref.name, ...(ref.group ? { group: ref.group } : {}), kind: ref.resource };
}

export function notFound(ref: ResourceRef): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(ref)} "${ref.name}" not found`, refDetails(ref));
}

export function alreadyExists(ref: ResourceRef): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(ref)} "${ref.name}" already exists`, refDetails(ref));
}

export function conflict(ref: ResourceRef): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(ref)} "${ref.name}": the object has been modified; ` +
      'please apply your changes to the latest version and try again',
    refDetails(ref),
  );
}

/** A 422 with one cause per field, message formatted like `Deployment.apps "x" is invalid: spec.replicas: ...`. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const summary = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes,
  });
}

/** A 422 that is not about one field, e.g. a JSON Patch that cannot be applied. */
export function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function unsupportedMediaType(accepted: readonly string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}
