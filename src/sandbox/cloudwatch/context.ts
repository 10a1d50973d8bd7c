import type { Params } from './params.ts';
import type { LogStore } from './store.ts';

export interface OperationContext {
  readonly store: LogStore;
  readonly now: () => number;
  /** FilterLogEvents stops scanning at every multiple of this many stored events (see filter-log-events.ts). */
  readonly segmentSize: number;
}

/** One JSON 1.1 operation: its output members, or undefined for operations without output. */
export type Operation = (ctx: OperationContext, params: Params) => Record<string, unknown> | undefined;
