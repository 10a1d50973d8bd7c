import { formatTime } from '../format.ts';
import type { Message } from '../message.ts';
import { bold, code, emoji, join, t, type Text } from '../text.ts';
import type { StoredAlertGroup } from '../../ports/alert-store.ts';
import { readContent } from './alert-group.ts';

const TOP = 10;

/** A channel's storm summary: every group that came in beyond the channel's per-minute messages, counted. */
export function stormMessage(
  storm: StoredAlertGroup,
  members: readonly StoredAlertGroup[],
  perMinute: number,
): Message {
  const firing = members.filter((m) => m.status === 'firing').length;
  const over = firing === 0 && members.length > 0;
  const byName = new Map<string, { count: number; firing: number; where: Set<string> }>();
  for (const m of members) {
    const name = readContent(m.content)?.name ?? m.key;
    const entry = byName.get(name) ?? { count: 0, firing: 0, where: new Set<string>() };
    entry.count += 1;
    if (m.status === 'firing') entry.firing += 1;
    if (m.service) entry.where.add(m.env ? `${m.service} ${m.env}` : m.service);
    byName.set(name, entry);
  }
  const top = [...byName.entries()].sort(([, a], [, b]) => b.count - a.count);
  const lines: Text[] = top.slice(0, TOP).map(([name, e]) => {
    const where = [...e.where].slice(0, 3).map((w) => code(w));
    return t`• ${bold(name)} ×${e.count} (${e.firing} firing)${where.length ? t` · ${join(where, ', ')}` : ''}`;
  });
  if (top.length > TOP) lines.push(`… and ${top.length - TOP} more alert names`);
  const title = over ? 'Alert storm over' : 'Alert storm';
  const counts = `${firing} firing, ${members.length - firing} resolved`;
  const since = formatTime(storm.createdAt);
  const mark = emoji(over ? 'white_check_mark' : 'cyclone');
  const headline = t`${mark} ${bold(`${members.length} alert groups`)} since ${since}: ${counts}.`;
  const why =
    `More than ${perMinute} alert groups a minute came in here; those beyond are counted in this message, ` +
    'which is kept up to date, instead of one message each.';
  return {
    text: t`${title}: ${members.length} alert groups, ${firing} firing`,
    blocks: [
      { type: 'header', text: title },
      { type: 'text', text: headline },
      ...(lines.length ? [{ type: 'text' as const, text: join(lines, '\n') }] : []),
      { type: 'context', text: why },
    ],
    urgency: 'prompt',
  };
}
