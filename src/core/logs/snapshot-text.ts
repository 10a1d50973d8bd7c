import type { LogSnapshot } from '../../ports/logs.ts';
import { shown } from './format.ts';

/**
 * What a snapshot left out and what it did not read, each said separately with how to get at it:
 * older lines cut by the line limit are a different gap from newer lines a budget kept from being read.
 */
export function snapshotGaps(
  snap: LogSnapshot,
  { maxLines, redact }: { maxLines: number; redact: (text: string) => string },
): string[] {
  const gaps: string[] = [];
  if (snap.unread) {
    const at = snap.unread.readUpTo.toISOString();
    gaps.push(
      `:warning: *Lines after ${at} were not read*: reading stopped at ${shown(snap.unread.reason, redact)}, ` +
        `so nothing is known about them. To read them, start there with \`--since ${at}\`, or narrow with \`--grep\`.`,
    );
  }
  if (snap.olderLeftOut) {
    gaps.push(
      `Older lines were left out: these are the newest ${snap.events.length}${snap.unread ? ' of those read' : ''}. ` +
        `For more, raise \`--lines\` (at most ${maxLines}), or narrow with a later \`--since\` or with \`--grep\`.`,
    );
  }
  return gaps;
}

/**
 * Why nothing can be said about a range (`A to B`): the source failed, which is not the same as an empty
 * range. Plain text for a `BackendError`, which the dispatcher escapes when it shows it.
 */
export function unreadable(failure: {
  source: string;
  error: string;
  what: string;
  range: string;
  redact: (text: string) => string;
}): string {
  const said = failure.redact(failure.error).replace(/\.$/, '');
  return (
    `Could not read the logs from ${failure.source}: ${said}. ` +
    `Nothing is known about the logs of ${failure.what} from ${failure.range} (this is not an empty result): ` +
    "try again in a minute, and if it keeps failing, check the log backend and opsdeck's access to it."
  );
}
