import type { Runbook } from '../../src/core/runbooks/parse.ts';
import { stepKey, uniqueSteps, type Step } from '../../src/core/runbooks/steps.ts';
import type { Block, Button, Message } from '../../src/core/message.ts';
import { bold, code, join, link, t, type Text } from '../../src/core/text.ts';

export const SHOW = 'opsdeck.runbook.show';
export const POST = 'opsdeck.runbook.post';
export const RUN = 'opsdeck.runbook.run';

const MAX_STEPS = 20;
const PER_ROW = 5;

// Front matter is text, not markup: a runbook from a shared repository must not ping anyone.
function meta(rb: Runbook): Text {
  const parts = [
    rb.severity && t`severity ${bold(rb.severity)}`,
    rb.owner && `owner ${rb.owner}`,
    rb.updated && `updated ${rb.updated}`,
    rb.services.length ? t`services ${join(rb.services.map(code), ', ')}` : undefined,
    rb.alerts.length ? t`alerts ${join(rb.alerts.map(code), ', ')}` : undefined,
    rb.url ? link(rb.url, 'source') : code(`runbooks/${rb.path}`),
  ];
  return join(
    parts.flatMap((part) => (part ? [part] : [])),
    ' · ',
  );
}

/** What the view needs to know of a step: whether it can run here, and whether running it changes something. */
export interface StepInfo {
  runnable(step: Step): boolean;
  changes(step: Step): boolean;
}

/** The value of a step's Run button: the runbook and the exact command, both looked up again at click time. */
export const stepValue = (rb: Runbook, step: Step): string => `${rb.id}#${stepKey(step.command)}`;

function stepButton(rb: Runbook, step: Step, index: number, info: StepInfo): Button {
  const button: Button = { actionId: `${RUN}.${index}`, label: step.command, value: stepValue(rb, step) };
  if (!info.changes(step)) return button;
  return {
    ...button,
    confirm: {
      title: 'Run this step?',
      text: t`Runs ${code(step.command)} as you. It goes through the same checks and approvals as typing it.`,
      confirm: 'Run',
      deny: 'Back',
    },
  };
}

/** Buttons carry ids only: the runbook and a key of the exact command, which the server looks up again. */
function stepRows(rb: Runbook, info: StepInfo): Block[] {
  const steps = uniqueSteps(rb.steps)
    .filter((s) => info.runnable(s))
    .slice(0, MAX_STEPS);
  if (!steps.length) return [];
  const rows: Block[] = [
    { type: 'text', text: t`${bold('Run a step')} (as you, with your permissions; changes still need approval):` },
  ];
  for (let i = 0; i < steps.length; i += PER_ROW) {
    rows.push({ type: 'actions', buttons: steps.slice(i, i + PER_ROW).map((s, j) => stepButton(rb, s, i + j, info)) });
  }
  return rows;
}

/** A runbook as a message: header, facts, the body, and its steps as Run buttons. */
export function runbookMessage(rb: Runbook, opts: { steps: StepInfo; offerPost: boolean }): Message {
  const continued = t`…continued in ${rb.url ? link(rb.url, 'the source') : code(`runbooks/${rb.path}`)}`;
  const blocks: Block[] = [
    { type: 'header', text: rb.title },
    { type: 'context', text: meta(rb) },
    { type: 'markdown', text: rb.body, title: rb.title, continued },
    ...stepRows(rb, opts.steps),
  ];
  if (opts.offerPost)
    blocks.push({
      type: 'actions',
      buttons: [{ actionId: POST, label: 'Post to channel', value: rb.id, style: 'primary' }],
    });
  return { text: `Runbook: ${rb.title}`, blocks };
}

export function choicesMessage(title: Text, runbooks: readonly Runbook[]): Message {
  const lines = runbooks.map((rb, i) => {
    const services = rb.services.length ? ` (${rb.services.join(', ')})` : '';
    const alerts = rb.alerts.length ? t` · alerts ${join(rb.alerts.map(code), ', ')}` : '';
    return t`${i + 1}. ${bold(rb.title)}${services}${alerts}`;
  });
  const buttons: Button[] = runbooks.map((rb, i) => ({
    actionId: `${SHOW}.${i}`,
    label: `Show ${i + 1}`,
    value: rb.id,
  }));
  return {
    text: title,
    blocks: [
      { type: 'text', text: t`${title}\n${join(lines, '\n')}` },
      { type: 'actions', buttons },
    ],
  };
}
