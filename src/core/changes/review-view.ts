import type { StoredReview } from '../../ports/review-store.ts';
import { formatTime } from '../format.ts';
import type { Message } from '../message.ts';
import { bold, code, emoji, join, mention, t, type Inline, type Text } from '../text.ts';

export const ACTION_ACKNOWLEDGE = 'opsdeck.review.acknowledge';

/** The thread message of an emergency self-approval: red, naming the approvers, with Acknowledge until done. */
export function reviewMessage(review: StoredReview, title: string, approvers: readonly Inline[]): Message {
  const flag = t`${emoji('red_circle')} ${bold('EMERGENCY')}`;
  const who = mention(review.requester);
  const head = t`${flag}: ${who} approved their own change (${title}) without waiting: ${review.reason}`;
  if (review.acknowledgedBy) {
    const by = mention(review.acknowledgedBy);
    const when = formatTime(review.acknowledgedAt ?? review.openedAt);
    const text = t`${head}\n${emoji('white_check_mark')} Reviewed: acknowledged by ${by} at ${when}.`;
    return { text, blocks: [{ type: 'text', text }], urgency: 'prompt' };
  }
  const asked = approvers.length ? join(approvers, ' ') : 'Another approver';
  const ask = t`${asked}: please review it and acknowledge by ${formatTime(review.dueAt)} (${code(review.id)}).`;
  const text = t`${head}\n${ask}`;
  return {
    text,
    blocks: [
      { type: 'text', text },
      {
        type: 'actions',
        buttons: [
          {
            actionId: ACTION_ACKNOWLEDGE,
            label: 'Acknowledge',
            value: review.id,
            style: 'primary',
            confirm: {
              title: 'Acknowledge this emergency change?',
              text: 'You confirm you have looked at what was changed and why.',
              confirm: 'Acknowledge',
              deny: 'Back',
            },
          },
        ],
      },
    ],
    urgency: 'prompt',
  };
}

/** One line of `/ops reviews`: what, who, why, and how late. */
export function reviewLine(review: StoredReview, now: Date): Text {
  const due = review.dueAt.getTime() <= now.getTime();
  const when = due
    ? t`${emoji('alarm_clock')} ${bold('overdue')} since ${formatTime(review.dueAt)}`
    : t`due ${formatTime(review.dueAt)}`;
  const what = t`${review.kind} ${code(review.service)} ${code(review.env)}`;
  return t`${when} · ${what} by ${mention(review.requester)}: ${review.reason} (${code(review.requestId)})`;
}
