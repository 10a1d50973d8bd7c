import type { LogSnapshot } from '../../ports/logs.ts';
import { bold, code, concat, emoji, t, type Text } from '../text.ts';

/**
 * What a snapshot left out and what it did not read, each said separately with how to get at it:
 * older lines cut by the line limit are a different gap from newer lines a budget kept from being read.
 */
export function snapshotGaps(snap: LogSnapshot, o: { maxLines: number; redact: (text: string) => string }): Text[] {
  const gaps: Text[] = [];
  const grep = code('--grep');
  if (snap.unread) {
    const at = snap.unread.readUpTo.toISOString();
    const reason = o.redact(snap.unread.reason);
    const since = code(`--since ${at}`);
    gaps.push(
      concat(
        t`${emoji('warning')} ${bold(`Lines after ${at} were not read`)}: reading stopped at ${reason}, `,
        t`so nothing is known about them. To read them, start there with ${since}, or narrow with ${grep}.`,
      ),
    );
  }
  if (snap.olderLeftOut) {
    const newest = `${snap.events.length}${snap.unread ? ' of those read' : ''}`;
    gaps.push(
      concat(
        t`Older lines were left out: these are the newest ${newest}. `,
        t`For more, raise ${code('--lines')} (at most ${o.maxLines}), `,
        t`or narrow with a later ${code('--since')} or with ${grep}.`,
      ),
    );
  }
  return gaps;
}

/**
 * Why nothing can be said about a range (`A to B`): the source failed, which is not the same as an empty
 * range. What the source said is redacted here; as text, it is never read as markup.
 */
export function unreadable(failure: {
  source: string;
  error: string;
  what: Text;
  range: string;
  redact: (text: string) => string;
}): Text {
  const said = failure.redact(failure.error).replace(/\.$/, '');
  return concat(
    t`Could not read the logs from ${failure.source}: ${said}. `,
    t`Nothing is known about the logs of ${failure.what} from ${failure.range} (this is not an empty result): `,
    "try again in a minute, and if it keeps failing, check the log backend and opsdeck's access to it.",
  );
}
