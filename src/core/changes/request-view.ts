import type { Approval, StoredRequest } from '../../ports/store.ts';
import type { EnvironmentInfo } from '../catalog.ts';
import { formatTime } from '../format.ts';
import type { Block, Message } from '../message.ts';
import { bold, code, emoji, join, mention, t, type Text } from '../text.ts';
import { envelopeOf, outcomeSummary, requestText } from './request-envelope.ts';

export const ACTION_APPROVE = 'opsdeck.request.approve';
export const ACTION_REJECT = 'opsdeck.request.reject';
export const ACTION_CANCEL = 'opsdeck.request.cancel';

const UNCHANGED = 'Nothing was changed.';

function statusLine(req: StoredRequest, approvals: readonly Approval[], env: EnvironmentInfo | undefined): Text {
  const by = typeof req.outcome?.by === 'string' ? mention(req.outcome.by) : 'someone';
  const summary = outcomeSummary(req);
  const approvers = join(
    approvals.map((a) => mention(a.approver)),
    ', ',
  );
  const approvedBy = approvals.length ? t`Approved by ${approvers}. ` : '';
  switch (req.state) {
    case 'pending': {
      const policy = env?.approval;
      if (!policy) return 'Starting…';
      const roles = join(policy.from.map(code), ' or ');
      const so = approvals.length ? t` (${approvals.length} so far: ${approvers})` : '';
      const expiry = req.expiresAt ? ` · expires ${formatTime(req.expiresAt)}` : '';
      const approval = `approval${policy.required === 1 ? '' : 's'}`;
      const waiting = emoji('hourglass_flowing_sand');
      return t`${waiting} Waiting for ${policy.required} ${approval} from ${roles}${so}${expiry}`;
    }
    case 'approved':
    case 'running':
      return t`${emoji('arrows_counterclockwise')} ${approvedBy}Running — progress in the thread.`;
    case 'succeeded':
      return t`${emoji('white_check_mark')} ${approvedBy}${summary ?? ''}`;
    case 'failed':
      return t`${emoji('x')} ${approvedBy}${summary ?? ''}`;
    case 'rejected':
      return t`${emoji('no_entry')} Rejected by ${by}${summary ? t`: ${summary}` : '.'}`;
    case 'expired':
      return t`${emoji('hourglass')} Expired at ${formatTime(req.updatedAt)} without enough approvals. ${UNCHANGED}`;
    case 'cancelled':
      return t`${emoji('heavy_multiplication_x')} Cancelled by ${by}. ${UNCHANGED}`;
    case 'superseded':
      return t`${emoji('fast_forward')} ${summary ?? 'Superseded.'} ${UNCHANGED}`;
  }
}

/** The request as people see it: what it changes, why, and what is special about it (break-glass, warnings). */
export function requestBody(req: StoredRequest): Block[] {
  const shown = requestText(req);
  const blocks: Block[] = [
    { type: 'header', text: envelopeOf(req).title },
    { type: 'text', text: shown.headline },
  ];
  if (shown.forced) {
    const text = t`${emoji('rotating_light')} ${bold('BREAK-GLASS:')} ${code('--force')} passed ${shown.forced}.`;
    blocks.push({ type: 'text', text });
  }
  if (shown.emergency !== undefined) {
    const by = mention(req.requester);
    const flag = t`${emoji('red_circle')} ${bold('EMERGENCY:')}`;
    const text = t`${flag} approved by ${by} alone, to be reviewed: ${shown.emergency}`;
    blocks.push({ type: 'text', text });
  }
  if (shown.fields.length) blocks.push({ type: 'fields', fields: shown.fields });
  for (const warning of shown.warnings) blocks.push({ type: 'context', text: t`${emoji('warning')} ${warning}` });
  return blocks;
}

/** The request message in the channel, for whatever state the request is in. Buttons only while pending. */
export function requestMessage(
  req: StoredRequest,
  approvals: readonly Approval[],
  env: EnvironmentInfo | undefined,
): Message {
  const p = envelopeOf(req);
  const blocks = requestBody(req);
  const status = statusLine(req, approvals, env);
  blocks.push({ type: 'context', text: t`${status} · ${code(req.id)}` });
  if (req.state === 'pending' && env?.approval && !p.direct) {
    blocks.push({
      type: 'actions',
      buttons: [
        {
          actionId: ACTION_APPROVE,
          label: 'Approve',
          value: req.id,
          style: 'primary',
          confirm: {
            title: 'Approve this change?',
            text: t`${p.title}. It runs as soon as enough approvals are in.`,
            confirm: 'Approve',
            deny: 'Back',
          },
        },
        { actionId: ACTION_REJECT, label: 'Reject', value: req.id, style: 'danger' },
        { actionId: ACTION_CANCEL, label: 'Cancel', value: req.id },
      ],
    });
  }
  return { text: t`${p.title}: ${status}`, blocks, urgency: 'prompt' };
}
