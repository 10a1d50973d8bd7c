import type { z } from 'zod';
import { didYouMean } from '../core/did-you-mean.ts';
import { dotted, type Problem } from './problems.ts';

const ARTICLE: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `"${input.length > 40 ? `${input.slice(0, 40)}…` : input}"`;
  return String(input);
}

/** Plain-English messages for zod's issue codes, used for every config parse. */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${ARTICLE[issue.expected] ?? issue.expected}, got ${describeInput(issue.input)}`;
    case 'invalid_value':
      return (
        `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, ` +
        `got ${describeInput(issue.input)}`
      );
    case 'too_small':
      if (issue.origin === 'array') return `needs at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be at least ${issue.minimum}`;
    case 'invalid_union':
      if (issue.note === 'No matching discriminator') {
        return `expected one of ${((issue.options ?? []) as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      }
      return undefined;
    case 'too_big':
      return `must be at most ${issue.maximum}`;
    default:
      return undefined;
  }
};

/** Keys the schema accepts at `path`, found by walking zod's definitions. */
function keysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let nodes: z.core.$ZodType[] = [schema];
  for (const seg of [...path, null]) {
    const next: z.core.$ZodType[] = [];
    for (const wrapped of nodes) {
      const node = unwrap(wrapped);
      const def = defOf(node);
      if (def.type === 'union') {
        for (const option of def.options) next.push(...(seg === null ? [option] : step(unwrap(option), seg)));
      } else if (seg === null) next.push(node);
      else next.push(...step(node, seg));
    }
    nodes = next;
    if (seg === null) break;
  }
  return nodes.flatMap((n) => {
    const def = defOf(unwrap(n));
    return def.type === 'object' ? Object.keys(def.shape) : [];
  });
}

/** Every zod schema is one of `$ZodTypes`, whose definitions narrow on `type`. */
const defOf = (node: z.core.$ZodType): z.core.$ZodTypes['_zod']['def'] => (node as z.core.$ZodTypes)._zod.def;

function unwrap(node: z.core.$ZodType): z.core.$ZodType {
  let current = node;
  for (;;) {
    const def = defOf(current);
    switch (def.type) {
      case 'optional':
      case 'default':
      case 'nullable':
      case 'prefault':
      case 'readonly':
        current = def.innerType;
        break;
      default:
        return current;
    }
  }
}

function step(node: z.core.$ZodType, seg: PropertyKey): z.core.$ZodType[] {
  const def = defOf(node);
  if (def.type === 'object') {
    const child = def.shape[seg as string];
    return child ? [child] : [];
  }
  if (def.type === 'record') return [def.valueType];
  if (def.type === 'array') return [def.element];
  if (def.type === 'union') return def.options.flatMap((option) => step(unwrap(option), seg));
  return [];
}

export function issuesToProblems(schema: z.core.$ZodType, issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, issue.path);
      return issue.keys.map((key) => {
        const guess = didYouMean(key, known);
        const hint = guess
          ? ` (did you mean "${guess}"?)`
          : known.length
            ? ` (expected one of ${known.join(', ')})`
            : '';
        return { path: dotted([...issue.path, key]), message: `unknown key${hint}` };
      });
    }
    if (issue.code === 'invalid_union' && issue.errors.length) {
      // Report the branch that got furthest: the one with the fewest problems.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      return issuesToProblems(
        schema,
        best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
      );
    }
    return [{ path: dotted(issue.path), message: issue.message }];
  });
}
