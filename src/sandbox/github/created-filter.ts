import { invalidField } from './errors.ts';

interface Span {
  readonly start: number;
  readonly end: number;
}

// A date covers its whole UTC day, a date-time its whole second (GitHub's search qualifier semantics).
function span(text: string): Span | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    return Number.isNaN(start) ? undefined : { start, end: start + 86_400_000 };
  }
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const start = Math.floor(at / 1000) * 1000;
  return { start, end: start + 1000 };
}

/**
 * Parses the `created` filter of the workflow-runs endpoints (`>=2026-01-01T10:00:00Z`, `<2026-01-02`,
 * `2026-01-01..2026-01-03`, `2026-01-01..*`) into a predicate on creation time in ms.
 */
export function parseCreated(filter: string): (createdMs: number) => boolean {
  const bad = () => invalidField('WorkflowRun', 'created', `Invalid created filter: ${filter}`);
  const range = /^(.+)\.\.(.+)$/.exec(filter);
  if (range) {
    const [from, to] = [range[1] ?? '', range[2] ?? ''].map((t) => (t === '*' ? null : span(t)));
    if (from === undefined || to === undefined) throw bad();
    return (ms) => (from === null || ms >= from.start) && (to === null || ms < to.end);
  }
  const op = /^(>=|<=|>|<)?(.+)$/.exec(filter);
  const s = span(op?.[2] ?? '');
  if (!s) throw bad();
  switch (op?.[1]) {
    case '>=':
      return (ms) => ms >= s.start;
    case '>':
      return (ms) => ms >= s.end;
    case '<=':
      return (ms) => ms < s.end;
    case '<':
      return (ms) => ms < s.start;
    default:
      return (ms) => ms >= s.start && ms < s.end;
  }
}
