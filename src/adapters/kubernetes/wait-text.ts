import { formatDuration } from '../../core/duration.ts';

/** A configured wait for messages: `10s`, `15m`; sub-second values (tests, tight configs) stay in ms. */
export function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : formatDuration(ms);
}
