import { z } from 'zod';
import { type Command, commandName, defineCommand, flagNames, usageOf } from '../../src/core/command.ts';
import { UserError } from '../../src/core/errors.ts';
import type { Block } from '../../src/core/message.ts';
import type { Permissions } from '../../src/core/policy.ts';
import { bold, code, join, t } from '../../src/core/text.ts';

function mayRun(spec: Command, roles: readonly string[], policy: Permissions): boolean {
  return spec.permission === null || policy.allowsVerbSomewhere(roles, spec.permission);
}

export const help = defineCommand({
  family: 'ops',
  sub: 'help',
  summary: 'List the commands you may run, or explain one',
  examples: ['/ops help', '/ops help audit'],
  positionals: [
    { name: 'command', optional: true, rest: true, help: 'a command to explain, e.g. `deploy` or `ops audit`' },
  ],
  flags: {},
  schema: z.object({ command: z.string().optional() }),
  permission: null,
  mutating: false,
  needs: ['commands', 'permissions'],
  async handler({ args, actor, deps: { commands: registry, permissions: policy }, reply }) {
    const visible = registry.all().filter((spec) => mayRun(spec, actor.roles, policy));
    // Usage lines and examples name the commands as this workspace has them (`/ops-deploy`).
    const named = (text: string) => registry.rename(text);
    const example = (spec: Command) => named(spec.examples[0] ?? commandName(spec));
    if (args.command) {
      const wanted = `/${args.command.replace(/^\//, '').toLowerCase()}`;
      const spec = visible.find((s) => commandName(s) === wanted || named(commandName(s)) === wanted);
      if (!spec)
        throw new UserError(t`No command ${code(wanted)} that you may run. ${code(named('/ops help'))} lists them.`);
      const text = join(
        [
          t`${bold(named(commandName(spec)))}: ${spec.summary}`,
          t`Usage: ${code(named(usageOf(spec)))}`,
          ...spec.positionals.map((p) => t`• ${code(p.name)}: ${p.help}${p.optional ? ' (optional)' : ''}`),
          ...Object.entries(spec.flags).map(
            ([name, f]) =>
              t`• ${join(
                flagNames(name, f).map((n) => code(n)),
                ', ',
              )}: ${f.help}`,
          ),
          t`Examples: ${join(
            spec.examples.map((e) => code(named(e))),
            ', ',
          )}`,
        ],
        '\n',
      );
      await reply.ephemeral({ text, blocks: [{ type: 'text', text }] });
      return;
    }
    const blocks: Block[] = [{ type: 'header', text: 'opsdeck: commands you can run' }];
    for (const spec of visible) {
      blocks.push({
        type: 'text',
        text: t`${code(named(usageOf(spec)))}\n${spec.summary}. e.g. ${code(example(spec))}`,
      });
    }
    const roles = actor.roles.length
      ? t`Your roles: ${join(actor.roles.map(code), ', ')}.`
      : 'You have no opsdeck role yet; ask the platform team to add you to one in opsdeck.yaml.';
    const more = t`${code(named('/ops whoami'))} shows what they allow; ${code(
      named('/ops help <command>'),
    )} explains one command.`;
    blocks.push({ type: 'context', text: t`${roles} ${more}` });
    await reply.ephemeral({ text: `opsdeck: ${visible.length} commands you can run`, blocks });
  },
});
