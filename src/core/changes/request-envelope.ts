import { createHash } from 'node:crypto';
import type { StoredRequest } from '../../ports/store.ts';
import { canonicalJson } from '../canonical-json.ts';

/** What a stored request carries in `params`, so any replica can render and run it after a restart. */
export interface RequestEnvelope {
  title: string;
  headline: string;
  fields: string[];
  /** The change's parameters (`ChangePlan.params`), validated by its kind's schema when stored and loaded. */
  exec: unknown;
  /** Requests stored by earlier versions also carry what the approver saw; it stays sealed in their hash. */
  binding?: Record<string, unknown> | undefined;
  warnings: string[];
  /** What `--force` passed (a lock, a freeze), when break-glass was used. */
  forced?: string | undefined;
  /** Set on requests that skip approval because the environment needs none. */
  direct?: boolean | undefined;
  basis?: string | undefined;
}

/** What an approval approves: the parameters the change will run with, break-glass state and its basis. */
export function requestHash(
  kind: string,
  service: string,
  env: string,
  envelope: Pick<RequestEnvelope, 'binding' | 'exec' | 'forced' | 'direct' | 'basis'>,
): string {
  const sealed = {
    kind,
    service,
    env,
    exec: envelope.exec,
    forced: envelope.forced ?? null,
    direct: envelope.direct ?? false,
    // Only when present, so requests stored before these existed keep their hash.
    ...(envelope.binding !== undefined ? { binding: envelope.binding } : {}),
    ...(envelope.basis !== undefined ? { basis: envelope.basis } : {}),
  };
  return createHash('sha256').update(canonicalJson(sealed)).digest('hex');
}

export function envelopeOf(request: StoredRequest): RequestEnvelope {
  return request.params as unknown as RequestEnvelope;
}
