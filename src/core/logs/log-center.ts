import type { LogSource } from '../../ports/logs.ts';
import type { Text } from '../text.ts';
import type { LineRedactor } from './format.ts';
import type { TailManager } from './tail-manager.ts';

export type LogSourceKind = 'cloudwatch' | 'kubernetes';

/** What /logs needs: a source per service, the tails, the limits and the redaction. */
export interface LogCenter {
  /** The sources a service has, the configured one first. */
  sources(service: string): { kind: LogSourceKind; source: LogSource }[];
  tails: TailManager;
  limits: { defaultFollowMs: number; maxFollowMs: number; maxLines: number };
  redact(text: string): string;
  /** A fresh redactor for the lines of one snapshot or follow (it keeps state per origin). */
  lineRedactor(): LineRedactor;
  /** Shares output too big for a message as a file in the channel. */
  attach(channel: string, file: { filename: string; title: string; content: string; comment: Text }): Promise<void>;
}
