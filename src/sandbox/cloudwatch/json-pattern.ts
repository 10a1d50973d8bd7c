import { invalidParameter } from './errors.ts';

type Operator = '=' | '!=' | '<' | '>' | '<=' | '>=';
type Path = readonly (string | number)[];
type Node =
  | { readonly kind: 'compare'; readonly path: Path; readonly op: Operator; readonly value: RegExp | number }
  | { readonly kind: 'and' | 'or'; readonly left: Node; readonly right: Node };

const TOKEN = /\s*(\(|\)|&&|\|\||!=|<=|>=|=|<|>|"(?:[^"\\]|\\.)*"|\$[^\s()=!<>&|"]*|[^\s()=!<>&|"]+)/y;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const OPERATORS: readonly string[] = ['=', '!=', '<', '>', '<=', '>='];

const invalid = (why: string): Error => invalidParameter(`Invalid filter pattern: ${why}`);

/**
 * A JSON filter pattern such as `{ $.level = "error" }` or `{ $.status >= 500 && $.path = "/v1/*" }`:
 * comparisons on a `$.dotted[0].path`, joined by `&&` (binding tighter) and `||`, with parentheses.
 * Messages that are not JSON objects never match, and neither does a comparison on a missing field.
 */
export function compileJsonPattern(pattern: string): (message: string) => boolean {
  if (!pattern.endsWith('}')) throw invalid('a JSON pattern must end with }');
  const tokens = tokenize(pattern.slice(1, -1));
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const next = (): string => {
    const token = tokens[at++];
    if (token === undefined) throw invalid('the JSON pattern ends early');
    return token;
  };
  const binary = (kind: 'and' | 'or', joiner: string, operand: () => Node) => (): Node => {
    let node = operand();
    while (peek() === joiner) {
      at += 1;
      node = { kind, left: node, right: operand() };
    }
    return node;
  };
  const unary = (): Node => {
    if (peek() !== '(') return comparison(next(), next(), next());
    at += 1;
    const node = or();
    if (next() !== ')') throw invalid('unbalanced parentheses');
    return node;
  };
  const and = binary('and', '&&', unary);
  const or = binary('or', '||', and);
  const root = or();
  if (at !== tokens.length) throw invalid(`unexpected ${tokens[at]}`);
  return (message) => {
    const doc = parseObject(message);
    return doc !== undefined && evaluate(root, doc);
  };
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (text.slice(TOKEN.lastIndex).trim() === '') break;
    const match = TOKEN.exec(text);
    if (!match?.[1]) throw invalid(`cannot read ${text.slice(TOKEN.lastIndex).trim()}`);
    tokens.push(match[1]);
  }
  if (tokens.length === 0) throw invalid('empty JSON pattern');
  return tokens;
}

function comparison(selector: string, op: string, literal: string): Node {
  if (!OPERATORS.includes(op)) throw invalid(`expected a comparison operator after ${selector}, got ${op}`);
  const path = parsePath(selector);
  if (!literal.startsWith('"') && NUMBER.test(literal))
    return { kind: 'compare', path, op: op as Operator, value: Number(literal) };
  if (op !== '=' && op !== '!=') throw invalid(`${op} needs a number, got ${literal}`);
  return { kind: 'compare', path, op, value: glob(literal.startsWith('"') ? unquote(literal) : literal) };
}

function parsePath(selector: string): Path {
  const match = /^\$((?:\.[^.[\]]+|\[\d+\])+)$/.exec(selector);
  if (!match?.[1]) throw invalid(`a selector must look like $.field.sub or $.list[0], got ${selector}`);
  return [...match[1].matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] === undefined ? (m[1] ?? '') : Number(m[2]),
  );
}

function evaluate(node: Node, doc: unknown): boolean {
  if (node.kind !== 'compare') {
    const left = evaluate(node.left, doc);
    return node.kind === 'and' ? left && evaluate(node.right, doc) : left || evaluate(node.right, doc);
  }
  const field = node.path.reduce<unknown>(
    (value, key) => (value as Record<string | number, unknown> | null)?.[key],
    doc,
  );
  if (field === undefined || field === null || typeof field === 'object') return false;
  if (node.value instanceof RegExp) {
    const equal = node.value.test(String(field));
    return node.op === '=' ? equal : !equal;
  }
  const number =
    typeof field === 'number' ? field : typeof field === 'string' && NUMBER.test(field) ? Number(field) : NaN;
  if (Number.isNaN(number)) return false;
  const v = node.value;
  const results: Record<Operator, boolean> = {
    '=': number === v,
    '!=': number !== v,
    '<': number < v,
    '>': number > v,
    '<=': number <= v,
    '>=': number >= v,
  };
  return results[node.op];
}

function unquote(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    throw invalid(`bad escape in ${literal}`);
  }
}

// `*` matches any run of characters; everything else literally.
const glob = (value: string): RegExp =>
  new RegExp(
    `^${value
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );

function parseObject(message: string): unknown {
  if (!message.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(message) as unknown;
  } catch {
    return undefined;
  }
}
