import type { FollowNotice } from '../../ports/logs.ts';
import { emoji, t, type Text } from '../text.ts';

/** What a follow's thread says when the way it reads changes; undefined when nothing needs saying. */
export function noticeText(notice: FollowNotice): Text | undefined {
  switch (notice.kind) {
    case 'live': {
      const others = notice.viewers - 1;
      const shared = others === 0 ? '' : ` (one session shared with ${others} other follow${others === 1 ? '' : 's'})`;
      return t`${emoji('satellite_antenna')} Streaming over CloudWatch Live Tail${shared}.`;
    }
    case 'polling': {
      const instead = 'following by polling instead, with a few seconds of delay';
      return t`${emoji('warning')} Live Tail is not available (${notice.reason}); ${instead}.`;
    }
    case 'sampled': {
      const narrow = 'Narrow it with --grep to see every line.';
      return t`${emoji('warning')} CloudWatch is sampling this follow: ${sampledShare(notice)}. ${narrow}`;
    }
    case 'unsampled':
      return 'CloudWatch stopped sampling: every event is shown again.';
  }
}

function sampledShare(notice: Extract<FollowNotice, { kind: 'sampled' }>): string {
  if (notice.share === undefined)
    return `at most ${notice.perSecond} events a second are shown, and more than that arrive`;
  const percent = Math.round(notice.share * 100);
  const about =
    percent === 0 && notice.share > 0 ? 'less than 1% of events are shown' : `about ${percent}% of events are shown`;
  const m = notice.measured;
  if (!m) return about;
  return `${about} (${count(m.shown)} of ${count(m.matched)} between ${utc(m.from)} and ${utc(m.to)} UTC)`;
}

const count = (n: number) => n.toLocaleString('en-US');
const utc = (d: Date) => d.toISOString().slice(11, 19);
