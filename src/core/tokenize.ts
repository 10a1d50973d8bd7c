import { UserError } from './errors.ts';
import { code, t } from './text.ts';

export const MAX_TEXT_LENGTH = 2000;

const QUOTE_PAIRS: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\u201c': '\u201d', // “ ” inserted by Slack clients with smart punctuation
  '\u201d': '\u201d', // ” ” mismatched: some clients curl both ends the same way
  '\u201e': '\u201c', // „ “
  '\u2018': '\u2019', // ‘ ’
  '\u00ab': '\u00bb', // « »
};

const SINGLE_QUOTES = new Set(["'", '\u2018']);

export interface Token {
  text: string;
  /** Quoted tokens are never treated as flags: `"--not-a-flag"` is a value. */
  quoted: boolean;
}

// Tabs and newlines are whitespace; every other control character is refused.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is what this is for.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Splits what a person typed into words, honouring quotes; chat markup was already turned into text. */
export function tokenize(text: string): Token[] {
  if (text.length > MAX_TEXT_LENGTH) {
    throw new UserError(`That command is too long (${text.length} characters; the limit is ${MAX_TEXT_LENGTH}).`);
  }
  if (CONTROL.test(text)) {
    throw new UserError('That command contains control characters; retype it as plain text.');
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let value = '';
    let quoted = false;
    while (i < text.length && !/\s/.test(text[i]!)) {
      const close = QUOTE_PAIRS[text[i]!];
      // Apostrophes inside words ("don't") are text; single quotes only open at a token's start
      // or right after `=` (`--reason='a b'`).
      const opens = close !== undefined && (value === '' || value.endsWith('=') || !SINGLE_QUOTES.has(text[i]!));
      if (!opens) {
        value += text[i++];
        continue;
      }
      const end = findClose(text, i + 1, close!);
      if (end < 0) throw new UserError(t`Unclosed quote ${text[i]!} in ${code(text)}.`);
      // Only a quote at the token's start makes it a value: `--reason="a b"` is still a flag.
      if (value === '') quoted = true;
      value += text.slice(i + 1, end);
      i = end + 1;
    }
    // Clients with smart punctuation turn `--flag` into `—flag` or `–flag`.
    if (!quoted) value = value.replace(/^[\u2013\u2014]-?(?=[a-z])/, '--');
    tokens.push({ text: value, quoted });
  }
  return tokens;
}

function findClose(text: string, from: number, close: string): number {
  // Curly quotes are often mismatched by clients (“…“ or ”…”); accept any closing curly double quote.
  const alternatives = close === '\u201d' || close === '\u201c' ? ['\u201d', '\u201c'] : [close];
  for (let j = from; j < text.length; j++) if (alternatives.includes(text[j]!)) return j;
  return -1;
}
