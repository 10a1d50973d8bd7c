import { createHash } from 'node:crypto';

/** A line of a runbook that is an opsdeck slash command, offered as a Run button. */
export interface Step {
  /** 1-based line in the runbook file. */
  line: number;
  /** As written: `/logs api prod --since 15m`. */
  command: string;
  /** Without the slash: `logs`. */
  family: string;
  /** What Slack would send as the command's text: `api prod --since 15m`. */
  text: string;
}

/** Which `/family args` code becomes a step: usually "the family is a registered command". */
export type IsStep = (family: string, text: string) => boolean;

/** Steps are the commands of these families. */
export const ofFamilies =
  (families: readonly string[]): IsStep =>
  (family) =>
    families.includes(family);

const FENCE = /^\s*(`{3,}|~{3,})/;
// A run of backticks opens a code span that the same run closes (CommonMark), so ``a `b` c`` is one span.
const CODE_SPAN = /(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)/g;

/**
 * Commands in inline code (`` `/ops status api prod` ``) or on their own line in fenced code. Prose
 * that merely mentions `/deploy` is skipped unless it is code, so writers decide what becomes a button.
 */
export function findSteps(markdown: string, isStep: IsStep, firstLine = 1): Step[] {
  const steps: Step[] = [];
  let fence: string | undefined;
  // Only lines in a fence or with a backtick or tilde can hold a step: the others are skipped by
  // position, without making a string of each line (10,000 runbooks have a million lines).
  let backtick = markdown.indexOf('`');
  let tilde = markdown.indexOf('~');
  for (let start = 0, line = firstLine; start <= markdown.length; line++) {
    const newline = markdown.indexOf('\n', start);
    const end = newline < 0 ? markdown.length : newline;
    if (backtick >= 0 && backtick < start) backtick = markdown.indexOf('`', start);
    if (tilde >= 0 && tilde < start) tilde = markdown.indexOf('~', start);
    const marked = (backtick >= 0 && backtick < end) || (tilde >= 0 && tilde < end);
    if (fence !== undefined || marked) fence = stepsOfLine(markdown.slice(start, end), line, fence, steps, isStep);
    start = end + 1;
  }
  return steps;
}

/** Adds the steps of one line; returns the fence open after it, if any. */
function stepsOfLine(raw: string, line: number, fence: string | undefined, steps: Step[], isStep: IsStep) {
  const marker = FENCE.exec(raw)?.[1];
  if (fence !== undefined) {
    if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && raw.trim() === marker) {
      return undefined;
    }
    pushStep(steps, raw, line, isStep);
    return fence;
  }
  if (marker !== undefined) return marker;
  if (raw.includes('`')) for (const match of raw.matchAll(CODE_SPAN)) pushStep(steps, match[2] ?? '', line, isStep);
  return undefined;
}

function pushStep(steps: Step[], code: string, line: number, isStep: IsStep): void {
  const command = code.trim();
  const match = /^\/([a-z][a-z0-9-]*)(?:\s+([\s\S]*))?$/.exec(command);
  const family = match?.[1];
  const text = (match?.[2] ?? '').trim();
  if (family === undefined || !isStep(family, text)) return;
  steps.push({ line, command, family, text });
}

/**
 * Names a step by its exact command, for a button's value: a click runs the step whose command hashes
 * to it in the runbook's current text, or nothing (never a neighbour on the same line).
 */
export function stepKey(command: string): string {
  return createHash('sha256').update(command).digest('base64url').slice(0, 16);
}

/** Each command once, in the order it first appears: a runbook that repeats a step shows one button. */
export function uniqueSteps(steps: readonly Step[]): Step[] {
  const seen = new Set<string>();
  return steps.filter((s) => !seen.has(s.command) && seen.add(s.command));
}
