/**
 * Chat-neutral inline text. A string is plain text: shown as written, whatever it holds, so text from
 * outside (a reason someone typed, a backend's error) can be put anywhere. Everything a chat reads as
 * markup (mentions, channel and group references, links, code, emphasis, emoji) is a part of its own,
 * which the front end renders in its own syntax and escapes the plain text around, so escaping is
 * correct by construction and the core never writes a chat's syntax.
 */
export type Inline =
  | string
  /** A person, by the chat's user id. */
  | { readonly mention: string }
  /** A channel, by the chat's channel id. */
  | { readonly channel: string }
  /** A user group, by the chat's group id: notifies its members. */
  | { readonly group: string }
  | { readonly link: string; readonly label?: Text | undefined }
  | { readonly code: Text }
  | { readonly bold: Text }
  /** By its name without colons: `white_check_mark`. */
  | { readonly emoji: string }
  /**
   * Text already in a front end's markup: only what requests stored by earlier versions hold (Slack
   * mrkdwn). Nothing builds it; the Slack renderer shows it as it was written, others as plain text.
   */
  | { readonly markup: string };

export type Text = string | readonly Inline[];

/** What a template or `join` takes: text, one part, or a number shown in decimal. */
export type Piece = Text | Inline | number;

function push(out: Inline[], piece: Piece): void {
  if (typeof piece === 'number') {
    push(out, String(piece));
    return;
  }
  if (typeof piece === 'string') {
    if (piece === '') return;
    const last = out.at(-1);
    // Neighbouring strings merge, so stored text stays small and a renderer sees whole runs of text.
    if (typeof last === 'string') out[out.length - 1] = last + piece;
    else out.push(piece);
    return;
  }
  if (isParts(piece)) {
    for (const part of piece) push(out, part);
    return;
  }
  out.push(piece);
}

const isParts = (piece: Piece): piece is readonly Inline[] => Array.isArray(piece);

/** Text from a template: interpolated strings and numbers are plain text, parts and texts go in as they are. */
export function t(strings: TemplateStringsArray, ...values: readonly Piece[]): Inline[] {
  const out: Inline[] = [];
  strings.forEach((s, i) => {
    push(out, s);
    if (i < values.length) push(out, values[i]!);
  });
  return out;
}

/** The pieces one after another with `separator` between them. */
export function join(pieces: readonly Piece[], separator: Piece): Inline[] {
  const out: Inline[] = [];
  pieces.forEach((piece, i) => {
    if (i > 0) push(out, separator);
    push(out, piece);
  });
  return out;
}

/** The pieces one after another: for text too long for one template line. */
export const concat = (...pieces: readonly Piece[]): Inline[] => join(pieces, '');

/** The text as a list of parts (a plain string becomes one part), e.g. to store it. */
export const parts = (text: Text): Inline[] => t`${text}`;

/** One part as text, so a part can go where text goes (a label, code, emphasis). */
const asText = (piece: Text | Inline): Text => (typeof piece === 'string' || isParts(piece) ? piece : [piece]);

export const mention = (userId: string): Inline => ({ mention: userId });
export const channel = (channelId: string): Inline => ({ channel: channelId });
export const group = (groupId: string): Inline => ({ group: groupId });
export const link = (url: string, label?: Text | Inline): Inline =>
  label === undefined ? { link: url } : { link: url, label: asText(label) };
export const code = (text: Text | Inline): Inline => ({ code: asText(text) });
export const bold = (text: Text | Inline): Inline => ({ bold: asText(text) });
export const emoji = (name: string): Inline => ({ emoji: name });

/**
 * The text for places without a chat's markup (error messages, the audit log, logs, the terminal): code
 * between backticks as people write it in plain text, people and channels by id, links by their URL.
 */
export function plainText(text: Text): string {
  if (typeof text === 'string') return text;
  return text.map(plainPart).join('');
}

function plainPart(part: Inline): string {
  if (typeof part === 'string') return part;
  if ('mention' in part) return `@${part.mention}`;
  if ('channel' in part) return `#${part.channel}`;
  if ('group' in part) return `@${part.group}`;
  if ('link' in part) return part.label === undefined ? part.link : `${plainText(part.label)} (${part.link})`;
  if ('code' in part) return `\`${plainText(part.code)}\``;
  if ('bold' in part) return plainText(part.bold);
  if ('emoji' in part) return `:${part.emoji}:`;
  return part.markup;
}
