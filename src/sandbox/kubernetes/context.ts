import type { ServerResponse } from 'node:http';
import type { PodLogs } from './pod-logs.ts';
import type { ObjectStore } from './store.ts';

/** What request handlers share. */
export interface ApiContext {
  readonly store: ObjectStore;
  readonly logs: PodLogs;
  readonly now: () => number;
  /** Long-lived responses (watches, log follows), ended when the server closes. */
  readonly streams: Set<ServerResponse>;
}
