import type { StoredMessage } from './message-store.ts';

const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max)}…` : s);

/** The latest messages as one line each, for failure messages in tests. */
export function describeMessages(messages: StoredMessage[], last = 15): string {
  if (messages.length === 0) return 'no messages';
  const lines = messages.slice(-last).map((m) => {
    const flags = [
      m.threadTs ? `thread ${m.threadTs}` : '',
      m.ephemeralTo ? `ephemeral to ${m.ephemeralTo}` : '',
      m.edited ? 'edited' : '',
      m.deleted ? 'deleted' : '',
      m.files ? `${m.files.length} file(s)` : '',
    ].filter(Boolean);
    const blocks = m.blocks.length > 0 ? ` blocks=${clip(JSON.stringify(m.blocks), 300)}` : '';
    const tags = flags.length ? ` [${flags.join(', ')}]` : '';
    return `  ${m.ts} ${m.channel} ${m.source}${tags}: ${JSON.stringify(clip(m.text, 200))}${blocks}`;
  });
  return `latest messages (${lines.length} of ${messages.length}):\n${lines.join('\n')}`;
}
