import { z } from 'zod';
import { defineCommand } from '../../src/core/command.ts';
import { textMessage } from '../../src/core/message.ts';

export const runbooksReload = defineCommand({
  family: 'ops',
  sub: 'runbooks',
  summary: 'Reload runbooks from their source (files or GitHub) now',
  examples: ['/ops runbooks reload'],
  positionals: [{ name: 'action', help: '`reload`' }],
  flags: {},
  schema: z.object({ action: z.literal('reload', { error: 'the only action is `reload`' }) }),
  permission: 'runbook',
  mutating: false,
  needs: ['runbooks'],
  async handler({ deps: { runbooks }, reply }) {
    const count = await runbooks.reload();
    await reply.ephemeral(textMessage(`Reloaded ${count} runbooks from ${runbooks.describe()}.`));
  },
});
