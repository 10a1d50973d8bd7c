import { describe, expect, it } from 'vitest';
import { snapshotGaps, unreadable } from '../../../src/core/logs/snapshot-text.ts';
import { redact } from '../../../src/core/redact.ts';
import { bold, t } from '../../../src/core/text.ts';
import type { LogEvent, LogSnapshot } from '../../../src/ports/logs.ts';
import { toMrkdwn } from '../../../src/slack/mrkdwn.ts';

const events = (n: number): LogEvent[] =>
  Array.from({ length: n }, (_, i) => ({ id: String(i), timestamp: i, message: `m${i}`, origin: 'o' }));
const readUpTo = new Date('2026-11-24T09:50:04.900Z');

describe('snapshotGaps', () => {
  const cases: { name: string; snap: LogSnapshot; expected: string[] }[] = [
    { name: 'nothing missing', snap: { events: events(3), olderLeftOut: false }, expected: [] },
    {
      name: 'older lines cut by the line limit',
      snap: { events: events(10), olderLeftOut: true },
      expected: [
        'Older lines were left out: these are the newest 10. ' +
          'For more, raise `--lines` (at most 2000), or narrow with a later `--since` or with `--grep`.',
      ],
    },
    {
      name: 'newer lines not read at a budget',
      snap: { events: events(4), olderLeftOut: false, unread: { readUpTo, reason: 'its page budget (5 pages)' } },
      expected: [
        ':warning: *Lines after 2026-11-24T09:50:04.900Z were not read*: ' +
          'reading stopped at its page budget (5 pages), so nothing is known about them. ' +
          'To read them, start there with `--since 2026-11-24T09:50:04.900Z`, or narrow with `--grep`.',
      ],
    },
    {
      name: 'both, each said separately',
      snap: { events: events(20), olderLeftOut: true, unread: { readUpTo, reason: 'its time budget (20s)' } },
      expected: [
        expect.stringContaining('were not read*: reading stopped at its time budget (20s)'),
        expect.stringContaining('these are the newest 20 of those read.'),
      ],
    },
    {
      name: 'a reason quoting the backend is redacted and escaped',
      snap: {
        events: [],
        olderLeftOut: false,
        unread: {
          readUpTo,
          reason: 'its time budget (20s) while CloudWatch kept failing (<!here> Bearer abcdefghijklmnop)',
        },
      },
      expected: [expect.stringContaining('kept failing (&lt;!here&gt; Bearer [REDACTED])')],
    },
  ];
  it.each(cases)('$name', ({ snap, expected }) => {
    // As Slack shows them: the gaps are neutral text, escaped when rendered.
    const gaps = snapshotGaps(snap, { maxLines: 2000, redact: (text) => redact(text) });
    expect(gaps.map(toMrkdwn)).toEqual(expected);
  });
});

describe('unreadable', () => {
  const failure = (error: string) =>
    unreadable({
      source: 'CloudWatch /ecs/api-prod (prod)',
      error,
      what: t`${bold('api')} in ${bold('prod')}`,
      range: '2026-11-24 09:45 UTC to 2026-11-24 10:00 UTC',
      redact: (text) => redact(text),
    });

  it('says the source failed, what it said (redacted, escaped when shown), and that the range is unknown', () => {
    const text = failure(
      'CloudWatch FilterLogEvents on /ecs/api-prod failed: AccessDenied: <@U123> & Bearer abcdefghijklmnop.',
    );
    expect(toMrkdwn(text)).toBe(
      'Could not read the logs from CloudWatch /ecs/api-prod (prod): ' +
        'CloudWatch FilterLogEvents on /ecs/api-prod failed: AccessDenied: &lt;@U123&gt; &amp; Bearer [REDACTED]. ' +
        'Nothing is known about the logs of *api* in *prod* from 2026-11-24 09:45 UTC to 2026-11-24 10:00 UTC ' +
        '(this is not an empty result): try again in a minute, and if it keeps failing, ' +
        "check the log backend and opsdeck's access to it.",
    );
  });

  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<https://evil.example|click>', '&lt;https://evil.example|click&gt;'],
    ['a & b', 'a &amp; b'],
    ['password=hunter2hunter2', 'password=[REDACTED]'],
  ])('shows %s as %s', (input, output) => {
    expect(toMrkdwn(failure(input))).toContain(`prod): ${output}. Nothing is known`);
  });
});
