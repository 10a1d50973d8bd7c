// MiniSearch's default tokenizer splits on /[\n\r\p{Z}\p{P}]+/u. The same split, faster: the few non-ASCII
// separators (dashes, arrows are not: they are symbols) become spaces, then the ASCII ones split.
const ASCII_SEPARATORS = /[\n\r !"#%&'()*,\-./:;?@[\\\]_{}]+/;
const NON_ASCII = /[^\p{ASCII}]/gu;
const SEPARATOR = /[\p{Z}\p{P}]/u;

/** The words of a text, exactly as MiniSearch's default tokenizer finds them. */
export const tokenize = (text: string): string[] =>
  text.replace(NON_ASCII, (c) => (SEPARATOR.test(c) ? ' ' : c)).split(ASCII_SEPARATORS);

// Words that carry no meaning in an incident query; dropped so AND search is not defeated by "the"
// ("up" too: "filling up" and "piling up" should not make disks and queues look alike), and left out of
// the index, where each would be a posting in nearly every runbook. The empty token (text that starts or
// ends with punctuation) is dropped for the same reason.
const STOP_WORDS = new Set(
  (
    'a about all also an and any are as at be been but by can do does each for from had has have how i if ' +
    'in into is it its just may me my no not now of on only or other our out over own same should so some ' +
    'such than that the their them then there these they this those through to up us very was we were what ' +
    'when where which while who why will with would you your'
  ).split(' '),
);

/**
 * A light stemmer applied to indexed and query terms alike, so "connections" finds "connection",
 * "failed" finds "fail" and "crashlooping" finds "crashloop". Only the ending changes and only when a
 * long enough stem remains; both sides are stemmed the same way, so odd stems still match each other.
 */
export function stem(term: string): string {
  if (term.length > 4 && term.endsWith('ies')) return `${term.slice(0, -3)}y`;
  if (term.length > 3 && term.endsWith('s') && !/(ss|us|is)$/.test(term)) return term.slice(0, -1);
  for (const suffix of ['ing', 'ed']) {
    if (term.endsWith(suffix) && term.length - suffix.length >= 4) return term.slice(0, -suffix.length);
  }
  return term;
}

/** A query term: lower case, stemmed; null for stop words. */
export function queryTerm(term: string): string | null {
  const lower = term.toLowerCase();
  return lower === '' || STOP_WORDS.has(lower) ? null : stem(lower);
}

/**
 * An indexed term. CamelCase names (alerts such as `KubePodCrashLooping`, reasons such as
 * `CrashLoopBackOff`) are kept whole, so the exact name matches, and also split into words,
 * so "pod crash looping" matches too.
 */
export function indexTerms(term: string): string[] | null {
  const whole = queryTerm(term);
  if (whole === null) return null;
  if (!/[a-z0-9][A-Z]/.test(term)) return [whole];
  const parts = (term.match(/[A-Z]?[a-z]+|[0-9]+[a-z]*|[A-Z]+(?![a-z])/g) ?? []).flatMap((p) => queryTerm(p) ?? []);
  return [...new Set([whole, ...parts])];
}
