import { commands } from '../../commands/index.ts';
import type { Catalog } from '../../src/core/catalog.ts';
import { Registry } from '../../src/core/registry.ts';
import type { Logger } from '../../src/ports/logger.ts';

export const registry = new Registry(commands);

export const catalog: Catalog = {
  environments: { staging: {}, prod: {} },
  services: { api: {}, web: {}, worker: { environments: ['staging', 'prod'] } },
};

/** Front matter plus body, so tests state only what they are about. */
export function runbookText(frontMatter: string, body = '# Title\n\nText.\n'): string {
  return `---\n${frontMatter}\n---\n${body}`;
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

export function recordingLogger(entries: LogEntry[] = []): Logger & { entries: LogEntry[] } {
  const at = (level: LogEntry['level']) => (obj: object, msg?: string) => void entries.push({ level, obj, msg });
  const log: Logger & { entries: LogEntry[] } = {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => log,
  };
  return log;
}

/** Texts whose words the tokenizers must find as MiniSearch's does: punctuation, non-ASCII spaces, edges. */
export const TOKENIZER_CASES = [
  'plain words, with punctuation: here.',
  'an em dash — and an arrow → stay apart',
  'no\u00a0break\u2003em space\u3000ideographic',
  '«quoted» ¿question? 日本語、テキスト。',
  'tab\tis not a separator; $dollar +plus <lt> =eq ^caret `tick` |pipe ~tilde',
  '  leading and trailing  ',
  '',
];
