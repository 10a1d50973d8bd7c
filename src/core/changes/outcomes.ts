import type { DeployOutcome } from '../../ports/backends.ts';
import type { Clock } from '../../ports/clock.ts';
import type { StoredRequest } from '../../ports/store.ts';
import { plainText, type Text } from '../text.ts';
import { envelopeOf, outcomeOf } from './request-envelope.ts';

/** How a change ended, as the flow records it: a driver's outcome, or the flow's own reason it did not run. */
export type Outcome = Omit<DeployOutcome, 'summary'> & { summary: Text };

export const endStateOf = (outcome: Outcome): 'succeeded' | 'failed' => (outcome.ok ? 'succeeded' : 'failed');

/** The outcome as the store keeps it: the summary as parts, like all stored text. */
export function storedOutcome(outcome: Outcome): Record<string, unknown> {
  return outcomeOf(outcome.summary, { url: outcome.url, rolledBack: outcome.rolledBack });
}

/** The outcome as the audit log records it: plain text. */
export function outcomeDetails(request: StoredRequest, outcome: Outcome): Record<string, unknown> {
  return {
    title: envelopeOf(request).title,
    summary: plainText(outcome.summary),
    rolledBack: outcome.rolledBack,
    url: outcome.url,
  };
}

/** Seconds from `from` until now on `clock`, for the outcome metrics. */
export const secondsSince = (from: Date, clock: Clock): number =>
  Math.max(0, (clock.now().getTime() - from.getTime()) / 1000);
