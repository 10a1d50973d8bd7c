import { unescapeSlackText } from '../incoming-text.ts';

// The runbook command's query takes up to 200 characters.
const MAX_QUERY = 200;

/**
 * Search words from a message (an alert, a question) for `/runbook`: its markup reduced to text, and only
 * words kept, so quotes or flags in the message cannot change what the command does.
 */
export function runbookQuery(message: string): string {
  const words = unescapeSlackText(message)
    .replace(/https?:\/\/\S+/g, ' ')
    .match(/[\p{L}\p{N}][\p{L}\p{N}_.-]*/gu);
  const unique = [...new Set(words ?? [])];
  let query = '';
  for (const word of unique) {
    if (query.length + word.length + 1 > MAX_QUERY) break;
    query = query ? `${query} ${word}` : word;
  }
  return query;
}
