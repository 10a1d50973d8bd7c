import type { Urgency } from '../../core/message.ts';

// Bottleneck runs priority 0 first and 9 last; without an urgency a job gets its default, 5.
const PRIORITY: Record<Urgency, number> = { prompt: 1, bulk: 8 };

/** The Bottleneck priority of a job of this urgency (null: Bottleneck's default). */
export function priorityOf(urgency: Urgency | undefined): number | null {
  return urgency ? PRIORITY[urgency] : null;
}
