import { emergencyAfterMs } from '../../src/core/changes/emergency.ts';
import { formatDuration } from '../../src/core/duration.ts';
import { formatPermission } from '../../src/core/permission.ts';
import { requiredText } from '../../src/core/gates/gate-text.ts';
import type { Block, Message } from '../../src/core/message.ts';
import { formatTime } from '../../src/core/format.ts';
import { bold, channel, code, emoji, join, mention, type Piece, t, type Text } from '../../src/core/text.ts';
import type { Walk } from './explain-walk.ts';

const list = (items: readonly Piece[]): Text => join(items, ', ');
const section = (title: string, body: Text): Block => ({ type: 'text', text: t`${bold(title)}\n${body}` });

function rolesText(w: Walk): Text {
  const lines: Text[] = [];
  for (const r of w.roles) {
    if (r.held && r.via && 'group' in r.via) lines.push(t`• ${code(r.role)} through the user group ${r.via.group}`);
    else if (r.held) lines.push(t`• ${code(r.role)}: listed by id`);
    else if (r.unverifiedGroups.length) {
      const groups = r.unverifiedGroups.join(', ');
      lines.push(t`• ${code(r.role)}: not known, ${groups} could not be looked up (grants nothing until it can)`);
    }
  }
  return lines.length ? join(lines, '\n') : t`${mention(w.user)} holds no opsdeck role.`;
}

function permissionText(w: Walk): Text {
  const need = code(formatPermission(w.permission.need));
  if (!w.permission.allowed) return t`${emoji('no_entry')} ${need}: ${w.permission.reason ?? 'not granted'}`;
  const grants = w.permission.grants.map((g) => t`${code(g.role)} (${code(g.grant)})`);
  return t`${emoji('white_check_mark')} ${need} is granted by ${list(grants)}`;
}

function approvalText(w: Walk): Text {
  const a = w.approval;
  if (!a) return `not needed in ${w.env}: the change runs once requested`;
  const who = a.approvers.length ? list(a.approvers) : 'nobody holds those roles';
  const lines: Text[] = [t`${a.required} approval(s) from ${list(a.from.map((r) => code(r)))}: ${who}`];
  lines.push(t`never by the requester; each approver counts once`);
  if (a.others !== undefined && a.others < a.required) {
    lines.push(t`${emoji('warning')} only ${a.others} person(s) besides ${mention(w.user)} can approve it`);
  }
  if (a.emergency) lines.push(emergencyText(w, a.emergency));
  return join(lines, '\n');
}

function emergencyText(w: Walk, e: NonNullable<NonNullable<Walk['approval']>['emergency']>): Text {
  const at = emergencyAfterMs(e);
  const when = at ? t`once their own request has waited ${formatDuration(at)} undecided` : 'at once';
  const flag = code('--emergency "reason"');
  const path = t`emergency path: holders of ${code(e.role)} may approve their own change with ${flag} ${when}`;
  const held = e.held ? t`${mention(w.user)} holds it` : t`${mention(w.user)} does not hold it`;
  return t`${emoji('red_circle')} ${path}, reviewed by another approver within ${e.review} (${held})`;
}

function guardsText(w: Walk): Text {
  const force = w.canBreakGlass
    ? t`${code('--force')} would pass them (holds ${code('breakglass')})`
    : t`${code('--force')} would not help: no ${code('breakglass')} for ${code(`${w.service}/${w.env}`)}`;
  if (!w.guards.length) return 'none in force';
  return join([...w.guards.map((g) => t`• ${g}`), force], '\n');
}

function ciText(w: Walk): Text | undefined {
  const gates = w.gates;
  if (!gates) return undefined;
  const ci = gates.report.ci;
  if (ci.kind === 'skipped') return t`${code(w.service)} has no GitHub repository: no commit to check`;
  const field = gates.report.fields[0];
  const reasons = gates.report.reasons;
  const verdict = reasons.length
    ? join(
        reasons.map((r) => t`${emoji('no_entry')} ${r}`),
        '\n',
      )
    : t`${emoji('white_check_mark')} nothing blocks ${code(gates.ref)} (${requiredText(ci)})`;
  return field ? join([field, verdict], '\n') : verdict;
}

function verdict(w: Walk): Text {
  const who = mention(w.user);
  if (!w.permission.allowed) {
    return t`${emoji('no_entry')} No. They would be told: ${w.permission.reason ?? 'not granted'}.`;
  }
  const where = w.channels ? t` in ${join(w.channels.map(channel), ' or ')}` : '';
  const blockers = [...w.guards, ...(w.gates?.report.reasons ?? [])];
  const roles = w.approval ? list(w.approval.from.map((r) => code(r))) : '';
  const then = w.approval ? t`, then it waits for ${w.approval.required} approval(s) from ${roles}` : '';
  if (blockers.length && w.canBreakGlass) {
    return t`${emoji('warning')} Only with ${code('--force')}${where} (break-glass: flagged and announced)${then}.`;
  }
  if (blockers.length) {
    const count = blockers.length === 1 ? 'one thing below stands' : `${blockers.length} things below stand`;
    return t`${emoji('no_entry')} Not now: ${count} in the way, and ${who} holds no ${code('breakglass')}.`;
  }
  return t`${emoji('white_check_mark')} Yes${where}${then || ', at once'}.`;
}

/** The decision walked through, step by step, in the order the pipeline takes them. */
export function explainMessage(w: Walk, now: Date): Message {
  const title = `Can they ${w.verb} ${w.service} in ${w.env}?`;
  const blocks: Block[] = [
    { type: 'header', text: title },
    { type: 'text', text: t`${mention(w.user)}: ${verdict(w)}` },
    section('Roles', rolesText(w)),
    section('Permission', permissionText(w)),
  ];
  if (w.command?.mutating) {
    const channels = w.channels ? t`only in ${join(w.channels.map(channel), ' or ')}` : 'from any channel';
    blocks.push(section('Channel', channels));
    blocks.push(section('Approval', approvalText(w)));
  }
  if (w.command?.guarded) blocks.push(section('Locks and freezes', guardsText(w)));
  const ci = ciText(w);
  if (ci) blocks.push(section(`CI (${w.gates?.ref})`, ci));
  if (w.gates) blocks.push(section('Promotion', w.gates.report.promoted ?? `no promotion rule for ${w.env}`));
  blocks.push({ type: 'context', text: `As of ${formatTime(now)}; nothing was changed.` });
  return { text: t`${title} ${verdict(w)}`, blocks };
}
