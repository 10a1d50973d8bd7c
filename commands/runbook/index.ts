import { z } from 'zod';
import type { ActionContext, ActionSpec } from '../../src/core/action.ts';
import { defineCommand, type Services } from '../../src/core/command.ts';
import { UserError } from '../../src/core/errors.ts';
import { clearWinner } from '../../src/core/runbooks/search.ts';
import { stepKey, type Step } from '../../src/core/runbooks/steps.ts';
import { tokenize } from '../../src/core/tokenize.ts';
import { choicesMessage, POST, RUN, runbookMessage, SHOW, type StepInfo } from './view.ts';

/** Steps of registered commands run; those of mutating commands ask for confirmation first. */
function stepInfo(services: Services): StepInfo {
  return {
    runnable: (step) => services.registry.families().includes(step.family),
    changes: (step) => specOf(services, step)?.mutating ?? true,
  };
}

function specOf(services: Services, step: Step) {
  try {
    return services.registry.resolve(step.family, tokenize(step.text)).spec;
  } catch {
    return undefined;
  }
}

export const runbook = defineCommand({
  family: 'runbook',
  summary: 'Find a runbook and post it to the channel, with its steps as buttons',
  examples: ['/runbook api 5xx', '/runbook --alert KubePodCrashLooping', '/runbook'],
  positionals: [
    { name: 'query', optional: true, rest: true, help: 'words to search for: a symptom, a service, an alert' },
  ],
  flags: { alert: { type: 'string', placeholder: 'AlertName', help: 'the runbook mapped to this alert name' } },
  schema: z.object({ query: z.string().max(200).optional(), alert: z.string().max(200).optional() }),
  permission: 'runbook',
  mutating: false,
  async handler({ args, services, reply }) {
    const index = await services.runbooks.index();
    if (args.alert) {
      const matches = index.byAlert(args.alert);
      if (matches.length === 1)
        return reply.ephemeral(runbookMessage(matches[0]!, { steps: stepInfo(services), offerPost: true }));
      if (matches.length > 1)
        return reply.ephemeral(choicesMessage(`Runbooks for the alert \`${args.alert}\`:`, matches.slice(0, 5)));
      const near = index.search(args.alert, 5).map((h) => h.runbook);
      if (!near.length)
        throw new UserError(
          `No runbook maps the alert \`${args.alert}\`. Add it to a runbook's \`alerts\` front matter.`,
        );
      return reply.ephemeral(choicesMessage(`No runbook maps the alert \`${args.alert}\`. Closest matches:`, near));
    }
    if (!args.query) {
      const groups = index
        .byService()
        .map((g) => `*${g.service ?? 'general'}*: ${g.runbooks.map((rb) => rb.title).join(' · ')}`);
      if (!groups.length) throw new UserError(`No runbooks found in ${services.runbooks.describe()}.`);
      const text = `Runbooks by service (\`/runbook <words>\` to open one):\n${groups.join('\n')}`;
      return reply.ephemeral({ text, blocks: [{ type: 'text', text }] });
    }
    const hits = index.search(args.query, 5);
    if (!hits.length) throw new UserError(`No runbook matches \`${args.query}\`. \`/runbook\` lists them all.`);
    if (clearWinner(hits))
      return reply.ephemeral(runbookMessage(hits[0]!.runbook, { steps: stepInfo(services), offerPost: true }));
    await reply.ephemeral(
      choicesMessage(
        `Runbooks matching \`${args.query}\`:`,
        hits.map((h) => h.runbook),
      ),
    );
  },
});

async function lookup(ctx: ActionContext) {
  const { services, roles, unverified, click } = ctx;
  if (!services.policy.allows(roles, { verb: 'runbook' })) {
    throw new UserError(services.policy.denialReason(roles, { verb: 'runbook' }, unverified));
  }
  const at = click.value.lastIndexOf('#');
  const id = at < 0 ? click.value : click.value.slice(0, at);
  const rb = await services.runbooks.get(id);
  if (!rb) throw new UserError('That runbook is no longer available; search again with `/runbook`.');
  return { rb, key: at < 0 ? undefined : click.value.slice(at + 1) };
}

/** Show (from a list), Post to channel, and Run a step; each re-checks the clicker. */
export const runbookActions: ActionSpec[] = [
  {
    actionId: `${SHOW}.*`,
    async handler(ctx) {
      const { rb } = await lookup(ctx);
      await ctx.click.reply.ephemeral(runbookMessage(rb, { steps: stepInfo(ctx.services), offerPost: true }));
    },
  },
  {
    actionId: POST,
    async handler(ctx) {
      const { rb } = await lookup(ctx);
      await ctx.click.reply.inChannel(runbookMessage(rb, { steps: stepInfo(ctx.services), offerPost: false }));
    },
  },
  {
    actionId: `${RUN}.*`,
    async handler(ctx) {
      const { rb, key } = await lookup(ctx);
      const step = rb.steps.find((s) => stepKey(s.command) === key);
      if (!step)
        throw new UserError(
          'That step is no longer in the runbook as shown; open it again with `/runbook` and run it from there.',
        );
      await ctx.runCommand(step.command);
    },
  },
];
