import { z } from 'zod';
import { defineCommand } from '../../src/core/command.ts';
import { UserError } from '../../src/core/errors.ts';
import { ENV, SERVICE } from '../target.ts';
import { explainMessage } from './explain-view.ts';
import { walkDecision } from './explain-walk.ts';

const USER = /^@?([UW][A-Z0-9]{2,})$/;

export const explain = defineCommand({
  family: 'ops',
  sub: 'explain',
  summary: 'Walk through whether someone may do something: roles, grant, channel, approval, locks, CI, promotion',
  examples: [
    '/ops explain @alice deploy api prod',
    '/ops explain me rollback api staging',
    '/ops explain me deploy api prod v1.4.2',
  ],
  positionals: [
    { name: 'user', help: '`me`, or the person as a mention (@alice)' },
    { name: 'verb', help: 'what they would do, as a permission verb: deploy, rollback, scale, logs, …' },
    SERVICE,
    ENV,
    { name: 'ref', optional: true, help: 'for deploy: the ref whose CI and promotion to check (default: defaultRef)' },
  ],
  flags: {},
  schema: z.object({
    user: z.string(),
    verb: z.string().toLowerCase(),
    service: z.string(),
    env: z.string(),
    ref: z.string().max(200).optional(),
  }),
  // Anyone who may ask `/ops whoami` may ask this: it reads, and says only what the config and CI say.
  permission: null,
  mutating: false,
  needs: ['permissions', 'catalog', 'commands', 'directory', 'locks', 'clock', 'backends', 'commitChecks', 'requests'],
  async handler({ args, actor, deps, reply }) {
    const user = args.user.toLowerCase() === 'me' ? actor.userId : USER.exec(args.user)?.[1];
    if (!user) throw new UserError(`Name the person with a mention (\`@alice\`) or \`me\`, not \`${args.user}\`.`);
    const walk = await walkDecision(deps, { ...args, user });
    await reply.ephemeral(explainMessage(walk, deps.clock.now()));
  },
});
