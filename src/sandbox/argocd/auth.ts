import type { IncomingHttpHeaders } from 'node:http';
import { permissionDenied, unauthenticated } from './errors.ts';

export type ArgoAction = 'get' | 'sync';

/** An API token (what `argocd account generate-token` issues) and what its account may do. */
export interface ArgoToken {
  readonly token: string;
  /** The account: shown as `sub` in permission errors and as `initiatedBy.username` of its syncs. */
  readonly subject: string;
  /** RBAC actions on `applications`; default both. */
  readonly actions?: readonly ArgoAction[];
  /** Applications it may act on; default all. */
  readonly applications?: readonly string[];
}

export interface Session {
  readonly token: ArgoToken;
  readonly issuedAt: number;
}

/** Reads the bearer header or the `argocd.token` cookie, as the API server does. */
export function authenticate(headers: IncomingHttpHeaders, tokens: readonly ArgoToken[], issuedAt: number): Session {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  const cookie = /(?:^|;\s*)argocd\.token=([^;]+)/.exec(headers.cookie ?? '')?.[1];
  const presented = bearer ?? cookie;
  if (presented === undefined) throw unauthenticated('no session information');
  const token = tokens.find((t) => t.token === presented);
  if (!token) throw unauthenticated('invalid session: token signature is invalid');
  return { token, issuedAt };
}

/** Argo CD's RBAC refusal, naming resource, action, object and subject like `rbac.Enforce` does. */
export function enforce(session: Session, action: ArgoAction, project: string, app: string): void {
  const { token } = session;
  const allowed =
    (token.actions ?? ['get', 'sync']).includes(action) &&
    (token.applications === undefined || token.applications.includes(app));
  if (allowed) return;
  const iat = new Date(session.issuedAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  throw permissionDenied(
    `permission denied: applications, ${action}, ${project}/${app}, sub: ${token.subject}, iat: ${iat}`,
  );
}
