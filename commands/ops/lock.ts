import { z } from 'zod';
import { defineCommand } from '../../src/core/command.ts';
import { parseDuration } from '../../src/core/duration.ts';
import { UserError } from '../../src/core/errors.ts';
import { formatTime } from '../../src/core/format.ts';
import { textMessage } from '../../src/core/message.ts';
import { code, emoji, join, mention, t } from '../../src/core/text.ts';
import { ENV, SERVICE } from '../target.ts';

export const lock = defineCommand({
  family: 'ops',
  sub: 'lock',
  summary: 'Lock a service in an environment so nobody else changes it',
  examples: ['/ops lock api prod investigating INC-42', '/ops lock api prod db migration --for 2h'],
  positionals: [SERVICE, ENV, { name: 'reason', rest: true, help: 'why it is locked, shown to anyone it blocks' }],
  flags: { for: { type: 'string', placeholder: 'duration', help: 'unlock automatically after this long, e.g. `2h`' } },
  schema: z.object({
    service: z.string(),
    env: z.string(),
    reason: z.string().max(300),
    for: z
      .string()
      .refine((v) => parseDuration(v) !== undefined, 'expected a duration such as 30m or 2h')
      .optional(),
  }),
  permission: 'lock',
  mutating: true,
  needs: ['locks', 'clock', 'audit'],
  async handler({ args, actor, invocationId, deps: { locks, clock, audit }, reply }) {
    const now = clock.now();
    const ttl = args.for ? parseDuration(args.for) : undefined;
    const wanted = {
      service: args.service,
      env: args.env,
      owner: actor.userId,
      reason: args.reason,
      createdAt: now,
      expiresAt: ttl ? new Date(now.getTime() + ttl) : undefined,
    };
    const result = await locks.acquireLock(wanted, now);
    if (!result.acquired) {
      const held = result.lock;
      throw new UserError(
        t`${code(`${args.service}/${args.env}`)} is already locked by ${mention(held.owner)} since ${formatTime(
          held.createdAt,
        )}: ${held.reason}`,
      );
    }
    try {
      await audit.require({
        actor: actor.userId,
        action: 'lock.acquired',
        target: wanted,
        requestId: invocationId,
        details: { reason: args.reason, expiresAt: wanted.expiresAt?.toISOString() },
      });
    } catch (err) {
      // Fail closed: a lock nobody can account for is released again.
      await locks.releaseLock(args.service, args.env);
      throw err;
    }
    const until = wanted.expiresAt ? ` until ${formatTime(wanted.expiresAt)}` : t` until ${code('/ops unlock')}`;
    const what = code(`${args.service}/${args.env}`);
    await reply.inChannel(
      textMessage(t`${emoji('lock')} ${mention(actor.userId)} locked ${what}${until}: ${args.reason}`),
    );
  },
});

export const unlock = defineCommand({
  family: 'ops',
  sub: 'unlock',
  summary: 'Release the lock on a service in an environment',
  examples: ['/ops unlock api prod'],
  positionals: [SERVICE, ENV],
  flags: {},
  schema: z.object({ service: z.string(), env: z.string() }),
  permission: 'lock',
  mutating: true,
  needs: ['locks', 'clock', 'audit'],
  async handler({ args, actor, invocationId, deps: { locks, clock, audit }, reply }) {
    const held = await locks.getLock(args.service, args.env, clock.now());
    if (!held) throw new UserError(t`${code(`${args.service}/${args.env}`)} is not locked.`);
    // Audited before it is released: an unlock that cannot be recorded does not happen.
    await audit.require({
      actor: actor.userId,
      action: 'lock.released',
      target: held,
      requestId: invocationId,
      details: { owner: held.owner, reason: held.reason },
    });
    const released = (await locks.releaseLock(args.service, args.env)) ?? held;
    const whose = released.owner === actor.userId ? '' : t` (locked by ${mention(released.owner)}: ${released.reason})`;
    const what = code(`${args.service}/${args.env}`);
    await reply.inChannel(textMessage(t`${emoji('unlock')} ${mention(actor.userId)} unlocked ${what}${whose}.`));
  },
});

export const locks = defineCommand({
  family: 'ops',
  sub: 'locks',
  summary: 'List current locks',
  examples: ['/ops locks'],
  positionals: [],
  flags: {},
  schema: z.object({}),
  permission: 'status',
  mutating: false,
  needs: ['locks', 'clock'],
  async handler({ deps: { locks, clock }, reply }) {
    const held = await locks.listLocks(clock.now());
    if (!held.length) return reply.ephemeral(textMessage('No locks.'));
    const lines = held.map((l) => {
      const until = l.expiresAt ? `, until ${formatTime(l.expiresAt)}` : '';
      const since = formatTime(l.createdAt);
      return t`• ${code(`${l.service}/${l.env}`)} by ${mention(l.owner)} since ${since}${until}: ${l.reason}`;
    });
    await reply.ephemeral({
      text: `${held.length} locks`,
      blocks: [
        { type: 'header', text: 'Locks' },
        { type: 'text', text: join(lines, '\n') },
      ],
    });
  },
});
