import type { FormFamily } from './forms.ts';

type StateValues = Record<string, Record<string, Record<string, unknown>>>;

/** One field of a submitted form: a text, a selected option's value, or a checked box's values. */
export function field(values: StateValues | undefined, blockId: string): string | undefined {
  const element = Object.values(values?.[blockId] ?? {})[0];
  if (!element) return undefined;
  const selected = element.selected_option as { value?: unknown } | null | undefined;
  if (selected && typeof selected.value === 'string') return selected.value;
  if (typeof element.selected_conversation === 'string') return element.selected_conversation;
  if (typeof element.selected_channel === 'string') return element.selected_channel;
  if (Array.isArray(element.selected_options)) {
    return (element.selected_options as { value?: unknown }[])
      .map((o) => (typeof o.value === 'string' ? o.value : ''))
      .join(' ');
  }
  return typeof element.value === 'string' ? element.value : undefined;
}

/** Quotes a value so the command tokenizer reads it back as one word, whatever quotes it holds. */
function quote(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  if (!flat.includes('"')) return `"${flat}"`;
  if (!flat.includes("'")) return `'${flat}'`;
  return `«${flat.replace(/»/g, '›')}»`;
}

/**
 * The command line a form stands for, exactly as if typed: `api prod v1.4.2 --reason "…" --dry-run`. Running
 * it through the dispatcher keeps forms on the same path as slash commands (parse, validate, authorize,
 * approve, audit). Plain words go in as words; anything else the person wrote is quoted.
 */
export function commandText(family: FormFamily, values: StateValues | undefined): string {
  const get = (id: string) => field(values, id)?.trim() || undefined;
  const words: string[] = [get('service') ?? '', get('env') ?? ''];
  const word = (value: string | undefined) =>
    value === undefined ? [] : [/^[\w./@+:-]+$/.test(value) ? value : quote(value)];
  if (family === 'deploy') words.push(...word(get('ref')));
  if (family === 'scale') words.push(...word(get('replicas')));
  if (family === 'rollback' && get('to')) words.push('--to', ...word(get('to')));
  if (family === 'logs') {
    if (get('since')) words.push('--since', ...word(get('since')));
    if (get('grep')) words.push('--grep', quote(get('grep')!));
    if (get('follow')?.includes('follow')) words.push('--follow');
  } else {
    if (get('reason')) words.push('--reason', quote(get('reason')!));
    if (get('options')?.includes('dry-run')) words.push('--dry-run');
  }
  return words.filter(Boolean).join(' ');
}

/** Which form field a refusal is about, so the modal can show it there (else on the service picker). */
export function blockFor(family: FormFamily, problem: string): string {
  const lower = problem.toLowerCase();
  // A permission or channel rule refuses the pair of service and environment: shown under the second.
  if (problem.startsWith("You can't run")) return 'env';
  if (/environment|\benv\b|channel/.test(lower)) return 'env';
  if (family === 'scale' && /replica/.test(lower)) return 'replicas';
  if (family === 'deploy' && /\bref\b|commit|tag|branch/.test(lower)) return 'ref';
  if (family === 'logs' && /since|duration/.test(lower)) return 'since';
  if (family === 'logs' && /grep|pattern/.test(lower)) return 'grep';
  if (family === 'rollback' && /revision|--to/.test(lower)) return 'to';
  if (/reason/.test(lower)) return 'reason';
  return 'service';
}
