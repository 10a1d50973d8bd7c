import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { approvalReach } from './approval-reach.ts';
import { crossCheck, type SectionNames } from './cross-check.ts';
import { ConfigError, type Finding, type Problem } from './problems.ts';
import { overlaps, salvageConfig } from './salvage.ts';
import { configSchema, type OpsdeckConfig } from './schema.ts';
import { configErrorMap, issuesToProblems } from './zod-issues.ts';

export interface ConfigCheck {
  /** The parsed config, with paths made absolute; undefined when there are errors. */
  config: OpsdeckConfig | undefined;
  /** Schema and cross-reference errors together, in file order. */
  errors: Problem[];
  /** Warnings and notes: they never stop opsdeck. */
  findings: Finding[];
}

/**
 * Checks YAML text: the schema, then references between sections and approval reach on whatever the
 * schema accepted, so one run lists every problem. Relative paths in the config are resolved against
 * the folder of `file` (the working directory when there is no file).
 */
export function checkConfigText(text: string, file?: string): ConfigCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const errors = doc.errors.map(
      (e): Problem => ({
        path: '',
        message: `YAML: ${e.message.split('\n')[0]}`,
        line: e.linePos?.[0]?.line,
      }),
    );
    return { config: undefined, errors, findings: [] };
  }
  const data: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(data, { error: configErrorMap });
  const schemaProblems = result.success ? [] : issuesToProblems(configSchema, result.error.issues);
  const usable = result.success ? result.data : salvageConfig(data, result.error.issues);
  // What the schema already reported is not reported again as a missing reference.
  const reported = (p: Problem) => schemaProblems.some((s) => overlaps(p.path, s.path));
  const crossProblems = usable ? crossCheck(usable, namesIn(data)).filter((p) => !reported(p)) : [];
  const locate = <T extends Problem>(p: T): T => ({ ...p, line: p.line ?? lineOf(doc, lineCounter, p.path) });
  const errors = inFileOrder([...schemaProblems, ...crossProblems].map(locate));
  const findings = usable ? inFileOrder(approvalReach(usable).map(locate)) : [];
  const config = result.success && !errors.length ? resolvePaths(result.data, file) : undefined;
  return { config, errors, findings };
}

/** Parses and checks YAML text; throws ConfigError listing every problem at once. */
export function parseConfig(text: string, file?: string): OpsdeckConfig {
  const { config, errors } = checkConfigText(text, file);
  if (!config) throw new ConfigError(errors, file);
  return config;
}

export async function checkConfigFile(file: string): Promise<ConfigCheck> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : (err as Error).message;
    const message = `cannot read ${file}: ${why} (set OPSDECK_CONFIG or pass the path)`;
    return { config: undefined, errors: [{ path: '', message }], findings: [] };
  }
  return checkConfigText(text, file);
}

export async function loadConfigFile(file: string): Promise<OpsdeckConfig> {
  return (await loadCheckedConfigFile(file)).config;
}

/** The config and its findings; throws ConfigError listing every error at once. */
export async function loadCheckedConfigFile(file: string): Promise<{ config: OpsdeckConfig; findings: Finding[] }> {
  const { config, errors, findings } = await checkConfigFile(file);
  if (!config) throw new ConfigError(errors, file);
  return { config, findings };
}

const RUNBOOK_DEFAULTS = configSchema.shape.runbooks.unwrap();

/** Paths in the file mean "next to the file", wherever opsdeck is started from. */
function resolvePaths(config: OpsdeckConfig, file: string | undefined): OpsdeckConfig {
  const base = file ? dirname(resolve(file)) : resolve('.');
  const runbooks = config.runbooks ?? RUNBOOK_DEFAULTS.parse({});
  return { ...config, runbooks: { ...runbooks, path: resolve(base, runbooks.path) } };
}

/** Names defined in the file, read before the schema so a section it rejects is still known by name. */
function namesIn(data: unknown): SectionNames {
  const keys = (section: unknown) =>
    section && typeof section === 'object' && !Array.isArray(section) ? Object.keys(section) : [];
  const d = (data ?? {}) as Record<string, unknown>;
  return { environments: keys(d.environments), services: keys(d.services), roles: keys(d.roles) };
}

function inFileOrder<T extends Problem>(problems: T[]): T[] {
  return problems.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
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
