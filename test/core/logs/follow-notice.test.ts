import { describe, expect, it } from 'vitest';
import { noticeText } from '../../../src/core/logs/follow-notice.ts';
import { plainText } from '../../../src/core/text.ts';
import type { FollowNotice } from '../../../src/ports/logs.ts';

describe('what a follow says about how it reads', () => {
  it.each<[FollowNotice, string]>([
    [{ kind: 'live', viewers: 1 }, 'Streaming over CloudWatch Live Tail.'],
    [{ kind: 'live', viewers: 3 }, 'Live Tail (one session shared with 2 other follows).'],
    [{ kind: 'polling', reason: 'CloudWatch refused Live Tail: AccessDeniedException' }, 'refused Live Tail: Access'],
    [{ kind: 'sampled', share: undefined, perSecond: 500 }, 'at most 500 events a second are shown'],
    [
      { kind: 'sampled', share: 0.25, perSecond: 500 },
      'CloudWatch is sampling this follow: about 25% of events are shown.',
    ],
    [
      {
        kind: 'sampled',
        share: 12_480 / 49_950,
        perSecond: 500,
        measured: {
          shown: 12_480,
          matched: 49_950,
          from: new Date('2026-11-25T10:04:10Z'),
          to: new Date('2026-11-25T10:04:20Z'),
        },
      },
      'about 25% of events are shown (12,480 of 49,950 between 10:04:10 and 10:04:20 UTC).',
    ],
    [{ kind: 'sampled', share: 0.004, perSecond: 500 }, 'less than 1% of events are shown'],
    [{ kind: 'sampled', share: 0, perSecond: 500 }, 'about 0% of events are shown'],
    [{ kind: 'unsampled' }, 'every event is shown again'],
  ])('%j', (notice, words) => {
    const text = noticeText(notice);
    expect(text).toBeDefined();
    expect(plainText(text!)).toContain(words);
  });
});
