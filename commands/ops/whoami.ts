import { z } from 'zod';
import { defineCommand } from '../../src/core/command.ts';

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
    const lines = [`You are <@${actor.userId}>.`];
    if (!actor.roles.length) {
      lines.push(
        'You hold no opsdeck role, so every command that needs a permission is refused. ' +
          'Ask the platform team to add you to a role in opsdeck.yaml.',
      );
    }
    for (const role of actor.roles)
      lines.push(
        `• *${role}*: ${policy
          .grantsOf(role)
          .map((g) => `\`${g}\``)
          .join(', ')}`,
      );
    const approvals = Object.entries(catalog.environments)
      .filter(([, env]) => env.approval?.from.some((r) => actor.roles.includes(r)))
      .map(([name]) => `\`${name}\``);
    if (approvals.length) lines.push(`You can approve other people's requests in ${approvals.join(', ')}.`);
    const text = lines.join('\n');
    await reply.ephemeral({ text, blocks: [{ type: 'text', text }] });
  },
});
