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
      const share =
        notice.share === undefined
          ? `at most ${notice.perSecond} events a second are shown, and more than that arrive`
          : `about ${Math.round(notice.share * 100)}% of the events are shown`;
      const narrow = 'Narrow it with --grep to see every line.';
      return t`${emoji('warning')} CloudWatch is sampling this stream: ${share}. ${narrow}`;
    }
    case 'unsampled':
      return 'CloudWatch stopped sampling: every event is shown again.';
  }
}
