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
  markdown.split('\n').forEach((raw, i) => {
    const line = firstLine + i;
    const marker = FENCE.exec(raw)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && raw.trim() === marker)
        fence = undefined;
      else pushStep(steps, raw, line, isStep);
      return;
    }
    if (marker !== undefined) {
      fence = marker;
      return;
    }
    // Most lines hold no code: the span pattern (with its look-behinds) runs only on those that may.
    if (raw.includes('`')) for (const match of raw.matchAll(CODE_SPAN)) pushStep(steps, match[2] ?? '', line, isStep);
  });
  return steps;
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
