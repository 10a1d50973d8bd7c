import { z } from 'zod';
import { type ActionContext, defineAction } from '../../src/core/action.ts';
import { defineCommand } from '../../src/core/command.ts';
import type { CommandList } from '../../src/core/command-list.ts';
import { UserError } from '../../src/core/errors.ts';
import { clearWinner } from '../../src/core/runbooks/clear-winner.ts';
import { stepKey, type Step } from '../../src/core/runbooks/steps.ts';
import { code, t } from '../../src/core/text.ts';
import { tokenize } from '../../src/core/tokenize.ts';
import { runbookListing } from './listing.ts';
import { choicesMessage, POST, RUN, runbookMessage, SHOW, type StepInfo } from './view.ts';

/** Steps of registered commands run; those of mutating commands ask for confirmation first. */
function stepInfo(commands: CommandList): StepInfo {
  return {
    runnable: (step) => commands.families().includes(step.family),
    changes: (step) => specOf(commands, step)?.mutating ?? true,
  };
}

function specOf(commands: CommandList, step: Step) {
  try {
    return commands.resolve(step.family, tokenize(step.text)).spec;
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
  needs: ['runbooks', 'commands'],
  async handler({ args, deps: { runbooks, commands }, reply }) {
    const index = await runbooks.index();
    if (args.alert) {
      const matches = index.byAlert(args.alert);
      if (matches.length === 1)
        return reply.ephemeral(runbookMessage(matches[0]!, { steps: stepInfo(commands), offerPost: true }));
      if (matches.length > 1)
        return reply.ephemeral(choicesMessage(t`Runbooks for the alert ${code(args.alert)}:`, matches.slice(0, 5)));
      const near = index.search(args.alert, 5).map((h) => h.runbook);
      if (!near.length)
        throw new UserError(
          t`No runbook maps the alert ${code(args.alert)}. Add it to a runbook's ${code('alerts')} front matter.`,
        );
      return reply.ephemeral(choicesMessage(t`No runbook maps the alert ${code(args.alert)}. Closest matches:`, near));
    }
    if (!args.query) {
      const groups = index.byService();
      if (!groups.length) throw new UserError(`No runbooks found in ${runbooks.describe()}.`);
      const text = runbookListing(groups);
      return reply.ephemeral({ text, blocks: [{ type: 'text', text }] });
    }
    const hits = index.search(args.query, 5);
    if (!hits.length)
      throw new UserError(t`No runbook matches ${code(args.query)}. ${code('/runbook')} lists them all.`);
    if (clearWinner(hits))
      return reply.ephemeral(runbookMessage(hits[0]!.runbook, { steps: stepInfo(commands), offerPost: true }));
    await reply.ephemeral(
      choicesMessage(
        t`Runbooks matching ${code(args.query)}:`,
        hits.map((h) => h.runbook),
      ),
    );
  },
});

type RunbookDeps = 'runbooks' | 'commands' | 'permissions';
const NEEDS: readonly RunbookDeps[] = ['runbooks', 'commands', 'permissions'];

async function lookup(ctx: ActionContext<RunbookDeps>) {
  const { deps, roles, unverified, click } = ctx;
  if (!deps.permissions.allows(roles, { verb: 'runbook' })) {
    throw new UserError(deps.permissions.denialReason(roles, { verb: 'runbook' }, unverified));
  }
  const at = click.value.lastIndexOf('#');
  const id = at < 0 ? click.value : click.value.slice(0, at);
  const rb = await deps.runbooks.get(id);
  if (!rb) throw new UserError('That runbook is no longer available; search again with `/runbook`.');
  return { rb, key: at < 0 ? undefined : click.value.slice(at + 1) };
}

/** Show (from a list), Post to channel, and Run a step; each re-checks the clicker. */
export const runbookActions = [
  defineAction({
    actionId: `${SHOW}.*`,
    needs: NEEDS,
    async handler(ctx) {
      const { rb } = await lookup(ctx);
      await ctx.click.reply.ephemeral(runbookMessage(rb, { steps: stepInfo(ctx.deps.commands), offerPost: true }));
    },
  }),
  defineAction({
    actionId: POST,
    needs: NEEDS,
    async handler(ctx) {
      const { rb } = await lookup(ctx);
      await ctx.click.reply.inChannel(runbookMessage(rb, { steps: stepInfo(ctx.deps.commands), offerPost: false }));
    },
  }),
  defineAction({
    actionId: `${RUN}.*`,
    needs: NEEDS,
    async handler(ctx) {
      const { rb, key } = await lookup(ctx);
      const step = rb.steps.find((s) => stepKey(s.command) === key);
      if (!step)
        throw new UserError(
          'That step is no longer in the runbook as shown; open it again with `/runbook` and run it from there.',
        );
      await ctx.runCommand(step.command);
    },
  }),
];
