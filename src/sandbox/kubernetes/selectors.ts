import { badRequest } from './api-error.ts';
import type { KubeObject, LabelSelector, Labels } from './types.ts';

/** One parsed requirement of a label or field selector. */
interface Requirement {
  key: string;
  operator: 'in' | 'notin' | 'exists' | '!exists';
  values: string[];
}

export type Matcher = (object: KubeObject) => boolean;

const MATCH_ALL: Matcher = () => true;

/** Parses the `labelSelector` query syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
export function parseLabelSelector(text: string | null): Matcher {
  if (!text?.trim()) return MATCH_ALL;
  const requirements = splitTopLevel(text).map(parseLabelRequirement);
  return (object) => requirements.every((r) => satisfies(r, object.metadata.labels ?? {}));
}

/** Parses the `fieldSelector` query syntax (equality only), for the fields kube-apiserver supports on a resource. */
export function parseFieldSelector(text: string | null, supported: readonly string[]): Matcher {
  if (!text?.trim()) return MATCH_ALL;
  const requirements = splitTopLevel(text).map((part) => {
    const match = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!match?.[1] || !match[2]) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const [, key, op, value = ''] = match;
    if (!supported.includes(key)) throw badRequest(`field label not supported: ${key}`);
    return { key, operator: op === '!=' ? 'notin' : 'in', values: [value] } satisfies Requirement;
  });
  return (object) => requirements.every((r) => satisfies(r, { [r.key]: fieldValue(object, r.key) }));
}

export function matchesLabelSelector(labels: Labels | undefined, selector: LabelSelector): boolean {
  return selectorRequirements(selector).every((r) => satisfies(r, labels ?? {}));
}

/** The query-string form of a LabelSelector, as used in `Scale.status.selector`. */
export function labelSelectorString(selector: LabelSelector): string {
  return selectorRequirements(selector)
    .map((r) => {
      if (r.operator === 'exists') return r.key;
      if (r.operator === '!exists') return `!${r.key}`;
      if (r.operator === 'in' && r.values.length === 1) return `${r.key}=${r.values[0]}`;
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    })
    .join(',');
}

function selectorRequirements(selector: LabelSelector): Requirement[] {
  const fromLabels = Object.entries(selector.matchLabels ?? {}).map(
    ([key, value]): Requirement => ({ key, operator: 'in', values: [value] }),
  );
  const operators: Record<string, Requirement['operator']> = {
    In: 'in',
    NotIn: 'notin',
    Exists: 'exists',
    DoesNotExist: '!exists',
  };
  const fromExpressions = (selector.matchExpressions ?? []).map(
    (e): Requirement => ({ key: e.key, operator: operators[e.operator] ?? 'in', values: e.values ?? [] }),
  );
  return [...fromLabels, ...fromExpressions].sort((a, b) => a.key.localeCompare(b.key));
}

function satisfies(requirement: Requirement, labels: Readonly<Record<string, string | undefined>>): boolean {
  const value = labels[requirement.key];
  switch (requirement.operator) {
    case 'exists':
      return value !== undefined;
    case '!exists':
      return value === undefined;
    case 'in':
      return value !== undefined && requirement.values.includes(value);
    case 'notin':
      return value === undefined || !requirement.values.includes(value);
  }
}

function parseLabelRequirement(part: string): Requirement {
  const text = part.trim();
  const set = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (set?.[1] && set[2]) {
    const values = (set[3] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    return { key: set[1], operator: set[2] === 'in' ? 'in' : 'notin', values };
  }
  const equality = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(text);
  if (equality?.[1] && equality[2]) {
    return { key: equality[1], operator: equality[2] === '!=' ? 'notin' : 'in', values: [equality[3] ?? ''] };
  }
  const exists = /^(!?)([^\s!=(),]+)$/.exec(text);
  if (exists?.[2]) return { key: exists[2], operator: exists[1] ? '!exists' : 'exists', values: [] };
  throw badRequest(`unable to parse requirement: ${JSON.stringify(text)}`);
}

/** Splits on commas that are not inside `( … )`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.filter((p) => p.trim() !== '');
}

function fieldValue(object: KubeObject, path: string): string | undefined {
  let value: unknown = object;
  for (const segment of path.split('.')) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return value === undefined ? undefined : String(value);
}
