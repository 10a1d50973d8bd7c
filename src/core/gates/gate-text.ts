import { formatDuration } from '../duration.ts';
import { formatTime, shortSha } from '../format.ts';
import { bold, code, emoji, join, link, t, type Inline, type Text } from '../text.ts';
import type { CiGate, GatedCheck } from './ci-gate.ts';
import type { PromotionGate } from './promotion.ts';

const MARK: Record<GatedCheck['state'], string> = {
  passed: 'white_check_mark',
  failed: 'x',
  pending: 'hourglass_flowing_sand',
  missing: 'grey_question',
};
const SAID: Record<GatedCheck['state'], string> = {
  passed: 'passed',
  failed: 'failed',
  pending: 'is still running',
  missing: 'has not reported',
};
// A request stays readable with many checks: the ones that matter first, then a count.
const SHOWN = 8;

const named = (c: GatedCheck): Inline => (c.url ? link(c.url, code(c.name)) : code(c.name));

/** One check that blocks, with its link: "`test` failed (timed_out)". */
export function checkProblem(c: GatedCheck): Text {
  const detail = c.detail && c.detail !== c.state ? ` (${c.detail})` : '';
  return t`${named(c)} ${SAID[c.state]}${detail}`;
}

export function requiredText(gate: CiGate): Text {
  if (gate.required === 'all') return 'every check must pass';
  if (gate.required === 'none') return 'none required';
  return t`required: ${join(
    gate.required.map((n) => code(n)),
    ', ',
  )}`;
}

/** The request's CI field: each check with its mark, the blocking ones first. */
export function ciField(gate: CiGate): Text | undefined {
  if (gate.kind === 'skipped') return undefined;
  if (gate.kind === 'unreadable') return t`${bold('CI checks')}\n${emoji('warning')} could not be read: ${gate.error}`;
  if (!gate.checks.length) return t`${bold('CI checks')}\nnone reported (${requiredText(gate)})`;
  const ordered = [...gate.blocking, ...gate.checks.filter((c) => !gate.blocking.includes(c))];
  const shown = ordered.slice(0, SHOWN).map((c) => t`${emoji(MARK[c.state])} ${named(c)}`);
  const more = ordered.length > SHOWN ? ` and ${ordered.length - SHOWN} more` : '';
  return t`${bold('CI checks')} (${requiredText(gate)})\n${join(shown, '  ')}${more}`;
}

/** Why CI stops the deploy; undefined when it does not. */
export function ciReason(gate: CiGate, sha: string | undefined): Text | undefined {
  const commit = code(shortSha(sha));
  if (gate.kind === 'unreadable' && gate.required !== 'none') {
    return t`the CI checks of ${commit} could not be read (${gate.error})`;
  }
  if (gate.kind !== 'read' || !gate.blocking.length) return undefined;
  return t`CI on ${commit}: ${join(gate.blocking.map(checkProblem), '; ')}`;
}

function since(at: Date, now: Date): string {
  return formatDuration(now.getTime() - at.getTime());
}

/** Where the commit stands in the environment it is promoted from, in a sentence. */
export function promotionText(gate: PromotionGate, commit: Inline, env: string, now: Date): Text | undefined {
  switch (gate.kind) {
    case 'none':
      return undefined;
    case 'baked': {
      const finished = t`${commit} finished deploying to ${bold(gate.from)} at ${formatTime(gate.finishedAt)}`;
      return t`${finished} (${since(gate.finishedAt, now)} ago; bake ${gate.bake})`;
    }
    case 'baking': {
      const wait = formatDuration(gate.readyAt.getTime() - now.getTime());
      const finished = t`${commit} finished deploying to ${bold(gate.from)} at ${formatTime(gate.finishedAt)}`;
      const at = formatTime(gate.readyAt);
      const ready = t`it can go to ${bold(env)} after its ${gate.bake} bake, at ${at} (in ${wait})`;
      return t`${finished}, only ${since(gate.finishedAt, now)} ago: ${ready}`;
    }
    case 'absent': {
      const latest = gate.latest;
      const where = latest ? t`; its deploy there (${code(latest.id)}) is ${stateWords(latest.state)}` : '';
      const first = t`deploy it there first, then to ${bold(env)} once it has run for ${gate.bake}`;
      return t`${commit} has not been deployed to ${bold(gate.from)} successfully${where}: ${first}`;
    }
  }
}

function stateWords(state: string): string {
  const words: Record<string, string> = {
    pending: 'waiting for approval',
    approved: 'approved, about to start',
    running: 'running now',
    failed: 'the one that failed',
  };
  return words[state] ?? state;
}
