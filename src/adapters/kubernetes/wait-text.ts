import { formatDuration } from '../../core/duration.ts';

/** A configured wait for messages: `10s`, `15m`; sub-second values (tests, tight configs) stay in ms. */
export function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : formatDuration(ms);
}

/** Time gone by, to the second, the way a stopwatch reads: `45s`, `2m10s`, `1h05m`. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${m}m`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

// Kubernetes' default when a Deployment does not set progressDeadlineSeconds.
const DEFAULT_PROGRESS_DEADLINE_S = 600;

// A progress line whose time changed every second would edit its message every second, more than Slack's
// chat.update budget allows a long rollout; in 10 s steps it changes six times a minute.
const ELAPSED_STEP_MS = 10_000;

/** `2m10s of 10m`: how long a rollout has run (in 10 s steps) against the Deployment's progress deadline. */
export function elapsedOfDeadline(elapsedMs: number, progressDeadlineSeconds: number | undefined): string {
  const deadline = (progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_S) * 1000;
  const stepped = Math.max(0, elapsedMs - (elapsedMs % ELAPSED_STEP_MS));
  return `${formatElapsed(stepped)} of ${formatElapsed(deadline)}`;
}
