import type { EnvironmentInfo } from '../catalog.ts';
import type { Message } from '../message.ts';
import { bold, code, join, t } from '../text.ts';
import type { ChangePlan } from './define-change.ts';
import type { RequestEnvelope } from './request-envelope.ts';
import { requestBody } from './request-view.ts';

/** What a request would look like, and what would happen to it, without storing or posting anything. */
export function dryRunMessage(plan: ChangePlan, envelope: RequestEnvelope, env: EnvironmentInfo | undefined): Message {
  const gate = env?.approval
    ? t`It would need ${env.approval.required} approval(s) from ${join(env.approval.from.map(code), ' or ')}.`
    : 'It would run straight away.';
  const preview = requestBody({
    id: 'dry-run',
    kind: plan.kind,
    service: plan.service,
    env: plan.env,
    requester: '',
    channel: '',
    params: envelope as unknown as Record<string, unknown>,
    hash: '',
    createdAt: new Date(0),
    updatedAt: new Date(0),
    state: 'pending',
    version: 0,
  });
  return {
    text: t`Dry run: ${plan.title}`,
    blocks: [{ type: 'context', text: t`${bold('Dry run')}: nothing was changed. ${gate}` }, ...preview],
  };
}
