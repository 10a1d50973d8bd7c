/**
 * Regenerates src/core/redaction/gitleaks-rules.json from gitleaks' published rule set, given a
 * checkout of gitleaks at a release tag:
 *
 *   npm exec tsx scripts/gitleaks-rules.ts path/to/gitleaks v8.30.0
 *
 * It reads `config/gitleaks.toml` and carries `LICENSE` (MIT) along with the rules. gitleaks'
 * regular expressions are Go RE2; this turns the few RE2-only spellings into JavaScript and
 * refuses to write a rule that does not compile, so an update lands whole or says what to look at.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Rules left out, and why; everything else in the file is taken as published.
const SKIPPED: Record<string, string> = {
  'generic-api-key': 'wants 10+ random characters and skips stop words; the own secret-assignment rule takes any value',
  'private-key': 'needs the whole block in one text; the own private-key rule and stream() handle one line per event',
};

interface TomlRule {
  id: string;
  regex?: string;
  entropy?: number;
  secretGroup?: number;
  keywords: string[];
  path?: string;
}

/** Reads the subset of TOML that gitleaks generates: `[[rules]]` tables of strings, numbers and string arrays. */
function parseRules(text: string): TomlRule[] {
  const field = /^(\w+) = (?:'''([\s\S]*?)'''|"((?:[^"\\]|\\.)*)"|(-?[\d.]+)|\[([\s\S]*?)\])/gm;
  const tables = [...text.matchAll(/^\[\[([\w.]+)\]\]$/gm)];
  const rules: TomlRule[] = [];
  tables.forEach((table, i) => {
    // `[[rules.allowlists]]` belong to the rule before them. They are not taken: they keep a scanner quiet
    // about examples and test fixtures, and for redaction an extra match costs a word, a miss a secret.
    if (table[1] !== 'rules') return;
    const body = text.slice(table.index + table[0].length, tables[i + 1]?.index ?? text.length);
    const rule: TomlRule = { id: '', keywords: [] };
    for (const [, key, raw, quoted, num, list] of body.matchAll(field)) {
      if (key === 'id') rule.id = quoted ?? '';
      if (key === 'regex') rule.regex = raw;
      if (key === 'path') rule.path = raw;
      if (key === 'entropy') rule.entropy = Number(num);
      if (key === 'secretGroup') rule.secretGroup = Number(num);
      if (key === 'keywords') rule.keywords = [...(list ?? '').matchAll(/"([^"]*)"/g)].map((k) => k[1]!.toLowerCase());
    }
    rules.push(rule);
  });
  return rules;
}

/** Where the alternative that holds `from` ends: its group's `)`, a `|` of that group, or the end. */
function alternativeEnd(src: string, from: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && depth-- === 0) return i;
    else if (c === '|' && depth === 0) return i;
  }
  return src.length;
}

/**
 * RE2 → JavaScript. A leading `(?i)` becomes the `i` flag. In RE2 a `(?i)` inside a group holds to
 * the group's end, across `|`; JavaScript spells that as one `(?i:…)` modifier group per alternative.
 */
function toJavaScript(re2: string): { source: string; flags: string } {
  let source = re2.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$');
  let flags = '';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags = 'i';
  }
  for (let at = source.indexOf('(?i)'); at >= 0; at = source.indexOf('(?i)')) {
    if (flags) {
      source = source.slice(0, at) + source.slice(at + 4);
      continue;
    }
    const end = alternativeEnd(source, at + 4);
    const next = source[end] === '|' ? '|(?i)' : source.slice(end, end + 1);
    source = `${source.slice(0, at)}(?i:${source.slice(at + 4, end)})${next}${source.slice(end + 1)}`;
  }
  return { source, flags };
}

const [checkout, release] = process.argv.slice(2);
if (!checkout || !release) {
  console.error('usage: tsx scripts/gitleaks-rules.ts <gitleaks checkout> <its release tag, e.g. v8.30.0>');
  process.exit(2);
}
const out = [];
const problems: string[] = [];
for (const rule of parseRules(readFileSync(join(checkout, 'config/gitleaks.toml'), 'utf8'))) {
  // Rules tied to a file name (`path`) describe files in a repository, not text in a log.
  if (!rule.regex || rule.path || SKIPPED[rule.id]) continue;
  const { source, flags } = toJavaScript(rule.regex);
  try {
    new RegExp(source, flags);
  } catch (err) {
    problems.push(`${rule.id}: ${(err as Error).message}`);
    continue;
  }
  if (!rule.keywords.length) problems.push(`${rule.id}: no keywords, so it would run on every line`);
  const { id, keywords, entropy, secretGroup } = rule;
  out.push({ id, source, flags, keywords, entropy, secretGroup });
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
const target = join(import.meta.dirname, '../src/core/redaction/gitleaks-rules.json');
const file = {
  source: `gitleaks ${release}, config/gitleaks.toml`,
  license: readFileSync(join(checkout, 'LICENSE'), 'utf8').trimEnd().split('\n'),
  skipped: SKIPPED,
  rules: out,
};
writeFileSync(target, `${JSON.stringify(file, null, 1)}\n`);
console.log(`${out.length} rules written to ${target}`);
