import type { LogEvent } from '../../ports/logs.ts';
import type { ShareMeasure } from './sampling-share.ts';

/** What the owner of a scope's session publishes to the replicas whose follows read it. */
export type LiveTailNews =
  | { kind: 'events'; events: LogEvent[] }
  | { kind: 'sampled'; sampled: boolean; measured?: ShareMeasure | undefined }
  | { kind: 'ended'; reason: string };

/** News as published: `from` names the owner, whose own follows had it directly. */
export type LiveTailMessage = LiveTailNews & { from: string };
