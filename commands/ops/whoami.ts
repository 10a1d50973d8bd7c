import { z } from 'zod';
import { defineCommand } from '../../src/core/command.ts';
import { bold, code, join, mention, t, type Text } from '../../src/core/text.ts';

export const whoami = defineCommand({
  family: 'ops',
  sub: 'whoami',
  summary: 'Show your roles and what they allow',
  examples: ['/ops whoami'],
  positionals: [],
  flags: {},
  schema: z.object({}),
  permission: null,
  mutating: false,
  needs: ['permissions', 'catalog'],
  async handler({ actor, deps: { permissions: policy, catalog }, reply }) {
    const lines: Text[] = [t`You are ${mention(actor.userId)}.`];
    if (!actor.roles.length) {
      lines.push(
        'You hold no opsdeck role, so every command that needs a permission is refused. ' +
          'Ask the platform team to add you to a role in opsdeck.yaml.',
      );
    }
    for (const role of actor.roles) lines.push(t`• ${bold(role)}: ${join(policy.grantsOf(role).map(code), ', ')}`);
    const approvals = Object.entries(catalog.environments)
      .filter(([, env]) => env.approval?.from.some((r) => actor.roles.includes(r)))
      .map(([name]) => code(name));
    if (approvals.length) lines.push(t`You can approve other people's requests in ${join(approvals, ', ')}.`);
    const text = join(lines, '\n');
    await reply.ephemeral({ text, blocks: [{ type: 'text', text }] });
  },
});
