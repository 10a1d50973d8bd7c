import { createHash } from 'node:crypto';
import type { StoredRequest } from '../../ports/store.ts';
import { canonicalJson } from '../canonical-json.ts';
import { type Inline, parts, type Text } from '../text.ts';

/**
 * Text as a request stores it: a list of parts. Requests stored by earlier versions hold Slack mrkdwn
 * strings instead; `shownText` reads both.
 */
export type StoredText = string | readonly Inline[];

/** What a stored request carries in `params`, so any replica can render and run it after a restart. */
export interface RequestEnvelope {
  title: string;
  headline: StoredText;
  fields: StoredText[];
  /** The change's parameters (`ChangePlan.params`), validated by its kind's schema when stored and loaded. */
  exec: unknown;
  /** Requests stored by earlier versions also carry what the approver saw; it stays sealed in their hash. */
  binding?: Record<string, unknown> | undefined;
  warnings: StoredText[];
  /** What `--force` passed (a lock, a freeze), when break-glass was used. */
  forced?: StoredText | undefined;
  /** Set when the requester approved it alone on the emergency path, with why it could not wait. */
  emergency?: { reason: string } | undefined;
  /** Set on requests that skip approval because the environment needs none. */
  direct?: boolean | undefined;
  basis?: string | undefined;
}

/** What an approval approves: the parameters the change will run with, break-glass state and its basis. */
export function requestHash(
  kind: string,
  service: string,
  env: string,
  envelope: Pick<RequestEnvelope, 'binding' | 'exec' | 'forced' | 'direct' | 'basis' | 'emergency'>,
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
    ...(envelope.emergency !== undefined ? { emergency: envelope.emergency } : {}),
  };
  return createHash('sha256').update(canonicalJson(sealed)).digest('hex');
}

export function envelopeOf(request: StoredRequest): RequestEnvelope {
  return request.params as unknown as RequestEnvelope;
}

/**
 * Stored text as it is shown. A string was written by an earlier version in Slack's markup, escaped when it
 * was written: kept as markup rather than rewritten, since the rows are sealed history and old and new
 * replicas share the store during an upgrade.
 */
export function shownText(stored: StoredText): Text {
  return typeof stored === 'string' ? [{ markup: stored }] : stored;
}

/** What the request's message shows of it, whichever version stored it. */
export function requestText(request: StoredRequest): {
  headline: Text;
  fields: Text[];
  warnings: Text[];
  forced?: Text;
  emergency?: string;
} {
  const p = envelopeOf(request);
  return {
    headline: shownText(p.headline),
    fields: p.fields.map(shownText),
    warnings: p.warnings.map(shownText),
    ...(p.forced ? { forced: shownText(p.forced) } : {}),
    ...(p.emergency ? { emergency: p.emergency.reason } : {}),
  };
}

/** How a request ended, to store: the summary as parts, like all stored text. */
export function outcomeOf(summary: Text, more: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...more, summary: parts(summary) };
}

/** The summary of how a request ended, when it has one. */
export function outcomeSummary(request: StoredRequest): Text | undefined {
  const summary = request.outcome?.summary;
  if (typeof summary === 'string') return summary ? shownText(summary) : undefined;
  return Array.isArray(summary) ? (summary as Inline[]) : undefined;
}
