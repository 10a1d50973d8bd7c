import { load } from 'js-yaml';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

export interface FrontMatter {
  data: Record<string, unknown>;
  /** 1-based file line of the deepest YAML node along `path`; the opening `---` when none exists. */
  lineOf(path: readonly PropertyKey[]): number;
  body: string;
  /** 1-based file line where the body starts. */
  bodyLine: number;
}

export type FrontMatterResult = { ok: true; value: FrontMatter } | { ok: false; line: number; message: string };

const DELIMITER = /^---\s*$/;
const CLOSER = /^(---|\.\.\.)\s*$/;

/** Splits `---`-delimited YAML from the markdown after it. Windows line ends and a BOM are tolerated. */
export function splitFrontMatter(text: string): FrontMatterResult {
  // Most files have neither: looking for them is much cheaper than a replace over every text.
  const unmarked = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const normal = unmarked.includes('\r') ? unmarked.replace(/\r\n?/g, '\n') : unmarked;
  // Only the front matter is walked line by line; the body is the rest of the text, taken whole.
  const lineEnd = (from: number) => {
    const end = normal.indexOf('\n', from);
    return end < 0 ? normal.length : end;
  };
  const firstEnd = lineEnd(0);
  if (!DELIMITER.test(normal.slice(0, firstEnd))) {
    return {
      ok: false,
      line: 1,
      message: 'missing front matter: start the file with a `---` line, `title: …`, and another `---` line',
    };
  }
  let close = -1;
  let closeStart = firstEnd + 1;
  for (let line = 1; closeStart <= normal.length; line++) {
    const end = lineEnd(closeStart);
    if (CLOSER.test(normal.slice(closeStart, end))) {
      close = line;
      break;
    }
    closeStart = end + 1;
  }
  if (close < 0) return { ok: false, line: 1, message: 'front matter is not closed: add a `---` line after it' };
  const bodyStart = lineEnd(closeStart) + 1;
  const yaml = normal.slice(firstEnd + 1, closeStart - 1);
  // The YAML starts on the file's second line.
  const fileLine = (yamlLine: number) => yamlLine + 1;
  // js-yaml reads front matter several times faster than `yaml`, which takes seconds over 10,000
  // runbooks. `yaml` keeps what js-yaml has no use for: where each node is, for the line of a problem.
  // So it parses only front matter that js-yaml refuses (to report the error) and, on demand, for lineOf.
  let data: unknown;
  try {
    // As `yaml` does by default: a few aliases are fine, thousands are an expansion attack.
    data = load(yaml, { maxAliases: 100 }) ?? {};
  } catch {
    const { doc, counter } = located(yaml);
    const [error] = doc.errors;
    if (error) {
      return {
        ok: false,
        line: fileLine(counter.linePos(error.pos[0]).line),
        message: `front matter: YAML: ${error.message.split('\n')[0]}`,
      };
    }
    try {
      data = doc.toJS() ?? {};
    } catch (err) {
      // `yaml` refuses while building values, not while parsing: too many aliases, say.
      return { ok: false, line: 2, message: `front matter: YAML: ${(err as Error).message.split('\n')[0]}` };
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, line: 2, message: 'front matter must be `key: value` lines (a YAML mapping)' };
  }
  let nodes: ReturnType<typeof located> | undefined;
  return {
    ok: true,
    value: {
      data: data as Record<string, unknown>,
      lineOf: (path) => {
        nodes ??= located(yaml);
        const line = yamlLineOf(nodes.doc, nodes.counter, path);
        return line === undefined ? 1 : fileLine(line);
      },
      body: normal.slice(bodyStart),
      bodyLine: close + 2,
    },
  };
}

function located(yaml: string): { doc: Document; counter: LineCounter } {
  const counter = new LineCounter();
  const doc = parseDocument(yaml, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  return { doc, counter };
}

function yamlLineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const seg of path) {
    let next: unknown;
    let range: [number, number, number] | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
      range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      next = pair?.value;
    } else if (isSeq(node)) {
      next = node.items[Number(seg)];
      range = (next as { range?: [number, number, number] } | undefined)?.range;
    }
    if (range) line = counter.linePos(range[0]).line;
    if (next === undefined || next === null) break;
    node = next;
  }
  return line;
}
