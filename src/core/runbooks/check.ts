import type { RunbookFile } from '../../ports/runbooks.ts';
import type { Catalog } from '../catalog.ts';
import { didYouMean } from '../did-you-mean.ts';
import { isUserError } from '../errors.ts';
import { bindTokens, checkTargets, validateArgs } from '../parse-args.ts';
import type { Registry } from '../registry.ts';
import { tokenize } from '../tokenize.ts';
import { parseRunbook, type Runbook } from './parse.ts';
import type { RunbookProblem } from './problem.ts';
import { type IsStep, type Step, uniqueSteps } from './steps.ts';

export interface CheckOptions {
  catalog: Catalog;
  registry: Registry;
}

/**
 * The steps the bot would offer, plus what looks like a mistyped one (`/dploy api prod`): a code span with
 * arguments whose family is close to a registered one, so the check reports it instead of passing over it.
 * Bare paths such as `/opt` or `/run` have no arguments and stay prose.
 */
export function stepsToCheck(registry: Registry): IsStep {
  const registered = registry.families();
  return (family, text) => registered.includes(family) || (text !== '' && didYouMean(family, registered) !== undefined);
}

/** Why a step would be refused when clicked, exactly as typing it would be; undefined when it parses. */
export function stepProblem(
  step: Pick<Step, 'family' | 'text'>,
  registry: Registry,
  catalog: Catalog,
): string | undefined {
  try {
    const { spec, rest } = registry.resolve(step.family, tokenize(step.text));
    const raw = bindTokens(spec, rest);
    checkTargets(spec, raw, catalog);
    validateArgs(spec, raw);
    return undefined;
  } catch (err) {
    if (isUserError(err)) return err.message;
    throw err;
  }
}

/** Front matter, services, every step and unique ids and titles: the gate `opsdeck runbooks check` runs. */
export function checkRunbooks(files: readonly RunbookFile[], options: CheckOptions): RunbookProblem[] {
  const { catalog, registry } = options;
  const isStep = stepsToCheck(registry);
  const services = Object.keys(catalog.services);
  const problems: RunbookProblem[] = [];
  const seen: Runbook[] = [];
  for (const file of files) {
    const parsed = parseRunbook(file, isStep);
    problems.push(...parsed.problems);
    const runbook = parsed.runbook;
    if (!runbook) continue;
    const at = (line: number, message: string) => problems.push({ file: file.path, line, message });
    runbook.services.forEach((service, i) => {
      if (services.includes(service)) return;
      const guess = didYouMean(service, services);
      const hint = guess ? ` (did you mean "${guess}"?)` : ` (known: ${services.join(', ')})`;
      at(parsed.lineOf(['services', i]), `unknown service "${service}"${hint}`);
    });
    for (const step of runbook.steps) {
      const why = stepProblem(step, registry, catalog);
      if (why) at(step.line, `\`${step.command}\`: ${why}`);
    }
    for (const problem of ambiguousSteps(runbook.steps)) at(problem.line, problem.message);
    const sameId = seen.find((r) => r.id.toLowerCase() === runbook.id.toLowerCase());
    if (sameId) at(1, `duplicate id "${runbook.id}" (also ${sameId.path})`);
    const sameTitle = seen.find((r) => r.title.toLowerCase() === runbook.title.toLowerCase());
    if (sameTitle) at(parsed.lineOf(['title']), `duplicate title "${runbook.title}" (also ${sameTitle.path})`);
    seen.push(runbook);
  }
  return problems;
}

// Slack shows at most 75 characters on a button; a longer command is cut and no longer says what runs.
const LABEL_MAX = 75;

/** Run buttons whose label would not say exactly which command runs. */
export function ambiguousSteps(steps: readonly Step[]): { line: number; message: string }[] {
  const out: { line: number; message: string }[] = [];
  for (const step of uniqueSteps(steps)) {
    if (step.command.length > LABEL_MAX) {
      out.push({
        line: step.line,
        message:
          `\`${step.command.slice(0, 40)}…\` is ${step.command.length} characters; ` +
          `a Run button shows ${LABEL_MAX}, so it would not show what runs. Shorten it or split it.`,
      });
    }
  }
  return out;
}
