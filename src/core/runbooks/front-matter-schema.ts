import { z } from 'zod';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

// `services: api` is as clear as `services: [api]`; both mean a one-item list. YAML reads `tags: [500]`
// as a number, which is meant as the word.
const list = z.preprocess(
  (v) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.map((i) => (typeof i === 'number' ? String(i) : i)) : v),
  z.array(z.string().trim().min(1)).default([]),
);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real day of the Gregorian calendar written YYYY-MM-DD (counted, not through `Date`: every runbook has one). */
export const isCalendarDate = (s: string): boolean => {
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!parts) return false;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  return days !== undefined && day >= 1 && day <= days;
};

export const frontMatterSchema = z.strictObject({
  title: z.string().trim().min(1),
  services: list,
  alerts: list,
  tags: list,
  severity: z.enum(SEVERITIES).optional(),
  owner: z.string().trim().min(1).optional(),
  // YAML's core schema reads 2024-05-01 as a string; a real calendar date is required.
  updated: z.string().refine(isCalendarDate, 'expected a date written YYYY-MM-DD').optional(),
});

export type FrontMatterData = z.infer<typeof frontMatterSchema>;
export const FIELDS = Object.keys(frontMatterSchema.shape);

function describeInput(input: unknown): string {
  if (input === null) return 'nothing';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `"${input.length > 40 ? `${input.slice(0, 40)}…` : input}"`;
  return String(input);
}

const ARTICLE: Record<string, string> = { string: 'text', array: 'a list such as [api, web]' };

/** Plain-English messages; the caller puts the field name in front. */
export const frontMatterErrors: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${ARTICLE[issue.expected] ?? issue.expected}, got ${describeInput(issue.input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.join(', ')}, got ${describeInput(issue.input)}`;
    case 'too_small':
      return 'must not be empty';
    default:
      return undefined;
  }
};
