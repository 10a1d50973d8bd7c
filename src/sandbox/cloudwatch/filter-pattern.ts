import { invalidParameter } from './errors.ts';
import { compileJsonPattern } from './json-pattern.ts';

type Matcher = (message: string) => boolean;

interface Term {
  readonly text: string;
  readonly prefix: '' | '?' | '-';
}

/**
 * Compiles a CloudWatch filter pattern. Supported: empty (everything); terms, all of which must appear
 * (case-sensitive); `"quoted phrases"`; `?term` (at least one of these); `-term` (none of these); `%regex%`;
 * and JSON patterns (see json-pattern.ts). Space-delimited `[...]` patterns are refused rather than guessed.
 */
export function compileFilterPattern(pattern: string): Matcher {
  const text = pattern.trim();
  if (text === '') return () => true;
  if (text.startsWith('{')) return compileJsonPattern(text);
  if (text.startsWith('%')) return compileRegex(text);
  if (text.startsWith('[')) {
    throw invalidParameter('Invalid filter pattern: space-delimited [...] patterns are not supported by this emulator');
  }
  const terms = parseTerms(text);
  const required = terms.filter((t) => t.prefix === '').map((t) => t.text);
  const anyOf = terms.filter((t) => t.prefix === '?').map((t) => t.text);
  const excluded = terms.filter((t) => t.prefix === '-').map((t) => t.text);
  return (message) =>
    required.every((t) => message.includes(t)) &&
    !excluded.some((t) => message.includes(t)) &&
    (anyOf.length === 0 || anyOf.some((t) => message.includes(t)));
}

function parseTerms(text: string): Term[] {
  const terms: Term[] = [];
  let at = 0;
  while (at < text.length) {
    if (/\s/.test(text[at] ?? '')) {
      at += 1;
      continue;
    }
    const prefix = text[at] === '?' || text[at] === '-' ? (text[at] as '?' | '-') : '';
    at += prefix.length;
    if (text[at] === '"') {
      const end = closingQuote(text, at);
      terms.push({ prefix, text: text.slice(at + 1, end).replace(/\\(.)/g, '$1') });
      at = end + 1;
      continue;
    }
    const end = text.slice(at).search(/\s|$/) + at;
    const word = text.slice(at, end);
    if (word === '') throw invalidParameter(`Invalid filter pattern: ${prefix} must be followed by a term`);
    if (word.includes('"')) throw invalidParameter(`Invalid filter pattern: stray quote in ${word}`);
    terms.push({ prefix, text: word });
    at = end;
  }
  return terms;
}

function closingQuote(text: string, open: number): number {
  for (let at = open + 1; at < text.length; at += 1) {
    if (text[at] === '\\') at += 1;
    else if (text[at] === '"') return at;
  }
  throw invalidParameter('Invalid filter pattern: unterminated quoted term');
}

function compileRegex(text: string): Matcher {
  if (text.length < 3 || !text.endsWith('%'))
    throw invalidParameter('Invalid filter pattern: a regex pattern must be %...%');
  try {
    const regex = new RegExp(text.slice(1, -1));
    return (message) => regex.test(message);
  } catch {
    throw invalidParameter(`Invalid filter pattern: bad regular expression ${text}`);
  }
}
