import type { RunbookFile } from '../../ports/runbooks.ts';
import { didYouMean } from '../did-you-mean.ts';
import { runbookId } from './paths.ts';
import { splitFrontMatter } from './front-matter.ts';
import { FIELDS, frontMatterErrors, frontMatterSchema, type Severity } from './front-matter-schema.ts';
import type { RunbookProblem } from './problem.ts';
import { findSteps, type IsStep, type Step } from './steps.ts';

export interface Runbook {
  /** The path without `.md`: `high-5xx-rate`, `db/connections`. */
  id: string;
  path: string;
  title: string;
  services: string[];
  alerts: string[];
  tags: string[];
  severity?: Severity | undefined;
  owner?: string | undefined;
  /** YYYY-MM-DD. */
  updated?: string | undefined;
  /** The markdown after the front matter. */
  body: string;
  url?: string | undefined;
  steps: Step[];
}

export interface ParsedRunbook {
  runbook?: Runbook;
  problems: RunbookProblem[];
  /** The file line of a front matter field (`['services', 1]`), for checks made later. */
  lineOf(path: readonly PropertyKey[]): number;
}

/** `isStep` decides which slash commands become steps (see findSteps). */
export function parseRunbook(file: RunbookFile, isStep: IsStep): ParsedRunbook {
  const split = splitFrontMatter(file.text);
  if (!split.ok) return { problems: [{ file: file.path, line: split.line, message: split.message }], lineOf: () => 1 };
  const { data, lineOf, body, bodyLine } = split.value;
  const result = frontMatterSchema.safeParse(data, { error: frontMatterErrors });
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue): RunbookProblem[] => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => {
          const guess = didYouMean(key, FIELDS);
          const hint = guess ? ` (did you mean "${guess}"?)` : ` (known: ${FIELDS.join(', ')})`;
          return { file: file.path, line: lineOf([key]), message: `front matter: unknown field "${key}"${hint}` };
        });
      }
      const field = issue.path
        .map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : `${i ? '.' : ''}${String(seg)}`))
        .join('');
      return [{ file: file.path, line: lineOf(issue.path), message: `front matter "${field}": ${issue.message}` }];
    });
    return { problems, lineOf };
  }
  const fm = result.data;
  // Steps are found when first asked for (a runbook shown, a step clicked, a check): loading 10,000
  // runbooks would otherwise make a hundred thousand step objects that most runbooks never show.
  let steps: Step[] | undefined;
  const runbook: Runbook = {
    id: runbookId(file.path),
    path: file.path,
    title: fm.title,
    services: fm.services,
    alerts: fm.alerts,
    tags: fm.tags,
    severity: fm.severity,
    owner: fm.owner,
    updated: fm.updated,
    body,
    url: file.url,
    get steps() {
      steps ??= findSteps(body, isStep, bodyLine);
      return steps;
    },
  };
  return { runbook, problems: [], lineOf };
}

/** Every valid runbook, and the problems of the others (for a log line; `runbooks check` is the strict gate). */
export function parseRunbooks(
  files: readonly RunbookFile[],
  isStep: IsStep,
): { runbooks: Runbook[]; problems: RunbookProblem[] } {
  const runbooks: Runbook[] = [];
  const problems: RunbookProblem[] = [];
  for (const file of files) {
    const parsed = parseRunbook(file, isStep);
    if (parsed.runbook) runbooks.push(parsed.runbook);
    problems.push(...parsed.problems);
  }
  return { runbooks, problems };
}
