import { isKeyBodyLine, KEY_BEGIN, KEY_END } from './own-rules.ts';
import { REDACTED } from './rule.ts';

// Body, padding, an OpenPGP checksum (`=AbCd`), an armor header (`Comment: …`) or a blank line.
const KEY_MATERIAL = /^\s*(?:[A-Za-z0-9+/]+={0,2}|=[A-Za-z0-9+/]{4}|[A-Za-z][\w-]*: .*)?\s*$/;
const LAST_BODY_LINE = /^\s*(?:[A-Za-z0-9+/]{1,76}={0,2}|=[A-Za-z0-9+/]{4})\s*$/;
// The largest keys (RSA 16384, OpenPGP with subkeys) stay well under this; past it the END line was lost.
const MAX_BLOCK_LINES = 400;

function lastEnd(pattern: RegExp, text: string): number {
  let end = -1;
  for (const m of text.matchAll(pattern)) end = m.index + m[0].length;
  return end;
}

/**
 * Redacts a sequence of log events from one source, where a private key printed line by line
 * arrives as one event per line. After a BEGIN line every line of key material is removed up to
 * the END line; a line that is not key material means the key was cut off, and is redacted like
 * any other. Without the BEGIN line, full-length body lines still go (see `isKeyBodyLine`), and so
 * does the shorter last body line or END line right after them.
 */
export function keyAwareStream(text: (line: string) => string): (line: string) => string {
  let inBlock = false;
  let blockLines = 0;
  // Body lines seen without their BEGIN line: a full one, or the shorter last one (END may follow).
  let loose: 'none' | 'body' | 'last' = 'none';
  return (line) => {
    if (inBlock) {
      const end = lastEnd(KEY_END, line);
      if (end >= 0) {
        inBlock = false;
        const rest = line.slice(end);
        return rest.trim() ? REDACTED + text(rest) : REDACTED;
      }
      if (KEY_MATERIAL.test(line) && ++blockLines <= MAX_BLOCK_LINES) return REDACTED;
      inBlock = false;
    }
    const marker = line.includes('-----');
    const bodyBefore = loose;
    loose = isKeyBodyLine(line) ? 'body' : 'none';
    if (bodyBefore === 'body' && LAST_BODY_LINE.test(line)) {
      if (loose === 'none') loose = 'last';
      return REDACTED;
    }
    if (bodyBefore !== 'none' && marker && lastEnd(KEY_END, line) >= 0) return REDACTED;
    if (marker && lastEnd(KEY_BEGIN, line) > lastEnd(KEY_END, line)) {
      inBlock = true;
      blockLines = 0;
    }
    return text(line);
  };
}
