import { formatDuration } from '../duration.ts';
import { formatTime } from '../format.ts';
import type { Block, Button, Message } from '../message.ts';
import { bold, code, concat, emoji, join, link, mention, type Piece, t, type Text } from '../text.ts';
import type { GroupContent } from './alert-group.ts';
import type { AlertTarget } from './routing.ts';

export const ALERT_LOGS = 'opsdeck.alert.logs';
export const ALERT_STATUS = 'opsdeck.alert.status';
export const ALERT_SCALE = 'opsdeck.alert.scale';
export const ALERT_ROLLBACK = 'opsdeck.alert.rollback';

/** A change shown with an alert: who made it, what, when and how it went. */
export interface RecentChange {
  id: string;
  title: string;
  requester: string;
  at: Date;
  state: string;
}

/** The runbook an alert maps to, and its first steps. */
export interface AlertRunbook {
  title: string;
  url?: string | undefined;
  steps: readonly string[];
}

export interface AlertView {
  /** The group's id in the store: the only thing its buttons carry. */
  id: string;
  content: GroupContent;
  status: 'firing' | 'resolved';
  target: AlertTarget;
  runbook?: AlertRunbook | undefined;
  changes: readonly RecentChange[];
  /** How far back `changes` go, for people: `6h`. */
  changesWindow: string;
  /** Replicas Scale +N adds; no button when the service has no bounds. */
  scaleStep?: number | undefined;
}

const SHOWN = 5;

/** An alert group's message: what fires, where, the runbook, recent changes, and buttons to act. */
export function alertMessage(view: AlertView): Message {
  const { content, target } = view;
  const resolved = view.status === 'resolved';
  const title = `${resolved ? 'Resolved' : 'Firing'}: ${content.name}`;
  const where = [target.service, target.env, content.severity].filter((s): s is string => !!s);
  const count = resolved
    ? t`${emoji('white_check_mark')} ${bold('Resolved')}${duration(content)}`
    : t`${emoji('rotating_light')} ${bold(`${content.firing} firing`)}${resolvedCount(content)}`;
  const headline = concat(
    count,
    where.length
      ? t` · ${join(
          where.map((w) => code(w)),
          ' · ',
        )}`
      : '',
  );
  const blocks: Block[] = [
    { type: 'header', text: title },
    { type: 'text', text: headline },
  ];
  const lines = content.alerts.slice(0, SHOWN).map((a) => alertLine(a));
  const more = content.firing + content.resolved - Math.min(SHOWN, content.alerts.length);
  if (more > 0) lines.push(t`… and ${more} more`);
  if (lines.length) blocks.push({ type: 'text', text: join(lines, '\n') });
  if (view.runbook) blocks.push({ type: 'text', text: runbookText(view.runbook) });
  blocks.push({ type: 'text', text: changesText(view) });
  const buttons = alertButtons(view);
  if (buttons.length) blocks.push({ type: 'actions', buttons });
  const context: Piece[] = [`since ${formatTime(new Date(content.startedAt))}`, `via ${content.source}`];
  if (content.notifications > 1) context.push(`${content.notifications} notifications`);
  if (content.url) context.push(link(content.url, 'source'));
  blocks.push({ type: 'context', text: join(context, ' · ') });
  return { text: concat(title, where.length ? ` (${where.join(', ')})` : ''), blocks, urgency: 'prompt' };
}

function resolvedCount(content: GroupContent): string {
  return content.resolved ? `, ${content.resolved} resolved` : '';
}

function duration(content: GroupContent): Text {
  if (!content.endedAt) return '';
  return ` after ${formatDuration(Date.parse(content.endedAt) - Date.parse(content.startedAt))}`;
}

function alertLine(a: GroupContent['alerts'][number]): Text {
  const mark = a.status === 'firing' ? emoji('red_circle') : emoji('large_green_circle');
  const instance = a.labels.instance ?? a.labels.pod ?? a.labels.job;
  return concat(mark, ' ', a.summary ?? a.name, instance ? t` (${code(instance)})` : '');
}

function runbookText(rb: AlertRunbook): Text {
  const name = rb.url ? link(rb.url, rb.title) : bold(rb.title);
  const steps = rb.steps.length
    ? t`\nFirst steps: ${join(
        rb.steps.map((s) => code(s)),
        ', ',
      )}`
    : '';
  return t`${emoji('book')} Runbook: ${name}${steps}`;
}

function changesText(view: AlertView): Text {
  const { service, env } = view.target;
  if (!service || !env) return t`${emoji('grey_question')} Not matched to a service and environment opsdeck manages.`;
  if (!view.changes.length) return t`No changes to ${code(service)} in ${code(env)} in the last ${view.changesWindow}.`;
  const lines = view.changes.map((c) => t`• ${formatTime(c.at)} ${mention(c.requester)}: ${c.title} (${c.state})`);
  return t`${bold(`Changes to ${service} in ${env} in the last ${view.changesWindow}`)}\n${join(lines, '\n')}`;
}

function alertButtons(view: AlertView): Button[] {
  const { service, env } = view.target;
  if (!service || !env) return [];
  const buttons: Button[] = [
    { actionId: ALERT_LOGS, label: 'Logs (15m)', value: view.id },
    { actionId: ALERT_STATUS, label: 'Status', value: view.id },
  ];
  if (view.scaleStep) buttons.push({ actionId: ALERT_SCALE, label: `Scale +${view.scaleStep}`, value: view.id });
  const latest = view.changes[0];
  if (latest && latest.state === 'succeeded') {
    buttons.push({
      actionId: ALERT_ROLLBACK,
      label: 'Roll back',
      value: `${view.id}:${latest.id}`,
      style: 'danger',
      confirm: {
        title: 'Roll back?',
        text: concat(`Roll back ${service} in ${env}: undo "${latest.title}". Approvals still apply.`),
        confirm: 'Roll back',
        deny: 'Cancel',
      },
    });
  }
  return buttons;
}
