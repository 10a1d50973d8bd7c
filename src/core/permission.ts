/**
 * The verb that lets `--force` pass locks and freezes. The other verbs a role can be granted are the
 * permissions the registered commands name, so a new command brings its verb with it.
 */
export const BREAKGLASS = 'breakglass';

/** What an action needs: `verb:service:env`. A missing service or env means "all of them". */
export interface Permission {
  verb: string;
  service?: string | undefined;
  env?: string | undefined;
}

export const GRANT_PATTERN = /^(\*|[a-z]+)(?::(\*|[A-Za-z0-9_.-]+)(?::(\*|[A-Za-z0-9_.-]+))?)?$/;

interface Grant {
  verb: string;
  service: string;
  env: string;
}

/** `deploy:api` → {deploy, api, *}; omitted segments widen to `*`. */
export function parseGrant(text: string): Grant | undefined {
  const m = GRANT_PATTERN.exec(text);
  if (!m) return undefined;
  return { verb: m[1]!, service: m[2] ?? '*', env: m[3] ?? '*' };
}

export function formatPermission(p: Permission): string {
  if (p.env !== undefined) return `${p.verb}:${p.service ?? '*'}:${p.env}`;
  if (p.service !== undefined) return `${p.verb}:${p.service}`;
  return p.verb;
}

function segmentCovers(granted: string, needed: string | undefined): boolean {
  return granted === '*' || (needed !== undefined && granted === needed);
}

/** Deny by default: a grant covers a need only when every segment matches or is `*`. */
export function grantCovers(grantText: string, need: Permission): boolean {
  const grant = parseGrant(grantText);
  if (!grant) return false;
  return (
    segmentCovers(grant.verb, need.verb) &&
    segmentCovers(grant.service, need.service) &&
    segmentCovers(grant.env, need.env)
  );
}

/** True when the grant gives the verb for at least one service and environment. */
export function grantMentionsVerb(grantText: string, verb: string): boolean {
  const grant = parseGrant(grantText);
  return grant !== undefined && (grant.verb === '*' || grant.verb === verb);
}
