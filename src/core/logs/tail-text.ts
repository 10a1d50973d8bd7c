import type { StoredTail } from '../../ports/store.ts';
import { formatDuration } from '../duration.ts';
import { formatTime } from '../format.ts';
import type { Message } from '../message.ts';
import { bold, code, concat, emoji, join, mention, t, type Text } from '../text.ts';

export const ACTION_STOP = 'opsdeck.logs.stop';

/** Why a tail ended: each becomes a stored state and a sentence, never a string to be parsed again. */
export type TailEnd =
  | { kind: 'stopped'; by: string }
  | { kind: 'shutdown' }
  | { kind: 'time'; ms: number }
  | { kind: 'lines'; budget: number }
  | { kind: 'failed'; error: string };

export function endState(end: TailEnd): 'stopped' | 'ended' | 'failed' {
  if (end.kind === 'stopped' || end.kind === 'shutdown') return 'stopped';
  return end.kind === 'failed' ? 'failed' : 'ended';
}

/** `stopped by @alice`, `reached its 10m limit`; `error` is already redacted. */
export function describeEnd(end: TailEnd): Text {
  switch (end.kind) {
    case 'stopped':
      return t`stopped by ${mention(end.by)}`;
    case 'shutdown':
      return 'stopped because opsdeck is shutting down';
    case 'time':
      return `reached its ${formatDuration(end.ms)} limit`;
    case 'lines':
      return `reached its budget of ${end.budget} lines`;
    case 'failed':
      return `failed: ${end.error}`;
  }
}

/** What a tail did, for its thread, its stored summary and the audit log. */
export function tailSummary(tail: {
  source: string;
  end: TailEnd;
  elapsedMs: number;
  shown: number;
  skipped: number;
  received: number;
  lost: number;
}): Text {
  const parts: Text[] = [`${tail.shown} lines shown`];
  if (tail.skipped) {
    parts.push(
      `${tail.skipped} skipped in chat because they came faster than Slack's ~1 post per second ` +
        `(all ${tail.received} lines are in the attached file)`,
    );
  }
  if (tail.lost) parts.push(`${tail.lost} not kept (the file is capped at 20 MB)`);
  if (tail.end.kind === 'lines') parts.push(t`later lines not read (line budget; use ${code('--lines')} for more)`);
  const after = formatDuration(tail.elapsedMs);
  return t`Tail of ${tail.source} ${describeEnd(tail.end)} after ${after}: ${join(parts, '; ')}.`;
}

/** The tail's message in the channel: live with a Stop button, or ended. */
export function tailMessage(tail: StoredTail, grep: string | undefined, lineBudget: number, live: boolean): Message {
  const matching = grep ? t` matching ${code(grep)}` : '';
  const verb = live ? 'Following' : 'Followed';
  const head = concat(
    t`${emoji('scroll')} ${verb} logs of ${bold(tail.service)} in ${bold(tail.env)}${matching} from ${tail.source}, `,
    t`requested by ${mention(tail.requester)}.`,
  );
  const limits = live
    ? `Until ${formatTime(tail.until)} or ${lineBudget} lines; lines go into the thread.`
    : 'Ended; the summary is in the thread.';
  const blocks: Message['blocks'] = [
    { type: 'text', text: head },
    { type: 'context', text: t`${limits} · ${code(tail.id)}` },
  ];
  if (live)
    blocks.push({
      type: 'actions',
      buttons: [{ actionId: ACTION_STOP, label: 'Stop', value: tail.id, style: 'danger' }],
    });
  return { text: head, blocks };
}
