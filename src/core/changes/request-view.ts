import type { Approval, StoredRequest } from '../../ports/store.ts';
import type { EnvironmentInfo } from '../catalog.ts';
import { formatTime, mention } from '../format.ts';
import type { Block, Message } from '../message.ts';
import { envelopeOf } from './request-envelope.ts';

export const ACTION_APPROVE = 'opsdeck.request.approve';
export const ACTION_REJECT = 'opsdeck.request.reject';
export const ACTION_CANCEL = 'opsdeck.request.cancel';

function statusLine(req: StoredRequest, approvals: readonly Approval[], env: EnvironmentInfo | undefined): string {
  const by = typeof req.outcome?.by === 'string' ? mention(req.outcome.by) : 'someone';
  const summary = typeof req.outcome?.summary === 'string' ? req.outcome.summary : '';
  const approvedBy = approvals.length ? `Approved by ${approvals.map((a) => mention(a.approver)).join(', ')}. ` : '';
  switch (req.state) {
    case 'pending': {
      const policy = env?.approval;
      if (!policy) return 'Starting…';
      const roles = policy.from.map((r) => `\`${r}\``).join(' or ');
      const so = approvals.length
        ? ` (${approvals.length} so far: ${approvals.map((a) => mention(a.approver)).join(', ')})`
        : '';
      const expiry = req.expiresAt ? ` · expires ${formatTime(req.expiresAt)}` : '';
      const needed = `${policy.required} approval${policy.required === 1 ? '' : 's'}`;
      return `:hourglass_flowing_sand: Waiting for ${needed} from ${roles}${so}${expiry}`;
    }
    case 'approved':
    case 'running':
      return `:arrows_counterclockwise: ${approvedBy}Running — progress in the thread.`;
    case 'succeeded':
      return `:white_check_mark: ${approvedBy}${summary}`;
    case 'failed':
      return `:x: ${approvedBy}${summary}`;
    case 'rejected':
      return `:no_entry: Rejected by ${by}${summary ? `: ${summary}` : '.'}`;
    case 'expired':
      return `:hourglass: Expired at ${formatTime(req.updatedAt)} without enough approvals. Nothing was changed.`;
    case 'cancelled':
      return `:heavy_multiplication_x: Cancelled by ${by}. Nothing was changed.`;
    case 'superseded':
      return `:fast_forward: ${summary || 'Superseded.'} Nothing was changed.`;
  }
}

/** The request as people see it: what it changes, why, and what is special about it (break-glass, warnings). */
export function requestBody(req: StoredRequest): Block[] {
  const p = envelopeOf(req);
  const blocks: Block[] = [
    { type: 'header', text: p.title },
    { type: 'text', text: p.headline },
  ];
  if (p.forced) blocks.push({ type: 'text', text: `:rotating_light: *BREAK-GLASS:* \`--force\` passed ${p.forced}.` });
  if (p.fields.length) blocks.push({ type: 'fields', fields: p.fields });
  for (const warning of p.warnings) blocks.push({ type: 'context', text: `:warning: ${warning}` });
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
  blocks.push({ type: 'context', text: `${status} · \`${req.id}\`` });
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
            text: `${p.title}. It runs as soon as enough approvals are in.`,
            confirm: 'Approve',
            deny: 'Back',
          },
        },
        { actionId: ACTION_REJECT, label: 'Reject', value: req.id, style: 'danger' },
        { actionId: ACTION_CANCEL, label: 'Cancel', value: req.id },
      ],
    });
  }
  return { text: `${p.title}: ${status}`, blocks };
}
