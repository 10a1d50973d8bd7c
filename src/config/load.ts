import { readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { crossCheck } from './cross-check.ts';
import { ConfigError, type Problem } from './problems.ts';
import { configSchema, type OpsdeckConfig } from './schema.ts';
import { configErrorMap, issuesToProblems } from './zod-issues.ts';

/** Parses and checks YAML text; throws ConfigError listing every problem at once. */
export function parseConfig(text: string, file?: string): OpsdeckConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const problems = doc.errors.map((e): Problem => ({
      path: '',
      message: `YAML: ${e.message.split('\n')[0]}`,
      line: e.linePos?.[0]?.line,
    }));
    throw new ConfigError(problems, file);
  }
  const data: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(data, { error: configErrorMap });
  const problems = result.success
    ? crossCheck(result.data)
    : issuesToProblems(configSchema, result.error.issues);
  if (problems.length) {
    throw new ConfigError(problems.map((p) => ({ ...p, line: p.line ?? lineOf(doc, lineCounter, p.path) })), file);
  }
  return result.data!;
}

export async function loadConfigFile(file: string): Promise<OpsdeckConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError([{ path: '', message: `cannot read ${file}: ${why} (set OPSDECK_CONFIG or pass the path)` }], file);
  }
  return parseConfig(text, file);
}

/** The line of the deepest YAML node that exists along a dotted path like `services.api.scale.max`. */
function lineOf(doc: Document, counter: LineCounter, path: string): number | undefined {
  const segments = path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '');
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const seg of segments) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === seg);
      const key = pair?.key as { range?: [number, number, number] } | undefined;
      if (key?.range) line = counter.linePos(key.range[0]).line;
      next = pair?.value;
    } else if (isSeq(node)) {
      next = node.items[Number(seg)];
      const range = (next as { range?: [number, number, number] } | undefined)?.range;
      if (range) line = counter.linePos(range[0]).line;
    }
    if (next === undefined) break;
    node = next;
  }
  return line;
}
