import { z } from 'zod';
import { ACTION_ACKNOWLEDGE, reviewLine } from '../../src/core/changes/review-view.ts';
import { defineCommand } from '../../src/core/command.ts';
import type { Block } from '../../src/core/message.ts';
import { code, t } from '../../src/core/text.ts';

// One section and one button per review; Slack allows 50 blocks in a message.
const SHOWN = 20;

export const reviews = defineCommand({
  family: 'ops',
  sub: 'reviews',
  summary: 'List emergency self-approvals nobody has acknowledged yet, overdue first',
  examples: ['/ops reviews'],
  positionals: [],
  flags: {},
  schema: z.object({}),
  permission: 'status',
  mutating: false,
  needs: ['reviews', 'clock'],
  async handler({ deps: { reviews, clock }, reply }) {
    // The store lists them earliest due first, so the overdue ones lead.
    const open = await reviews.listOpenReviews();
    if (!open.length) return reply.ephemeral({ text: 'No emergency changes wait for review.' });
    const now = clock.now();
    const overdue = open.filter((r) => r.dueAt.getTime() <= now.getTime()).length;
    const blocks: Block[] = [{ type: 'header', text: 'Emergency changes to review' }];
    for (const review of open.slice(0, SHOWN)) {
      blocks.push({ type: 'text', text: reviewLine(review, now) });
      blocks.push({
        type: 'actions',
        buttons: [{ actionId: ACTION_ACKNOWLEDGE, label: 'Acknowledge', value: review.id, style: 'primary' }],
      });
    }
    if (open.length > SHOWN) {
      blocks.push({ type: 'context', text: t`${open.length - SHOWN} more not shown; acknowledge these first.` });
    }
    const summary = `${open.length} unacknowledged (${overdue} overdue)`;
    const who = code('/ops explain');
    blocks.push({
      type: 'context',
      text: t`${summary}. Another approver acknowledges each, here or in its thread (${who}).`,
    });
    await reply.ephemeral({ text: summary, blocks });
  },
});
