import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commands, actions } from '../../commands/index.ts';
import { defineAction } from '../../src/core/action.ts';
import type { Capabilities } from '../../src/core/capabilities.ts';
import { defineCommand } from '../../src/core/command.ts';

/** Every capability, each a distinct marker, so a test can see which ones a handler was given. */
const everything = Object.fromEntries(
  [
    'catalog',
    'clock',
    'permissions',
    'directory',
    'commands',
    'locks',
    'auditTrail',
    'requests',
    'tails',
    'backends',
    'commitChecks',
    'runbooks',
    'logs',
    'audit',
    'reviews',
  ].map((k) => [k, { marker: k }]),
) as unknown as Capabilities;

const context = {
  invocationId: 'inv_1',
  actor: { userId: 'U1', roles: [] },
  channelId: 'C1',
  args: {},
  target: {},
  reply: { ephemeral: async () => {}, inChannel: async () => {} },
  log: { debug() {}, info() {}, warn() {}, error() {}, child: () => context.log },
  submit: async () => {},
};

describe('commands and buttons get exactly the capabilities they declare', () => {
  it.each([[['locks', 'clock'] as const], [[] as const]])(
    'a command declaring %j is given those and nothing else',
    async (needs) => {
      let seen: object | undefined;
      const command = defineCommand({
        family: 'probe',
        summary: 's',
        examples: [],
        positionals: [],
        flags: {},
        schema: z.object({}),
        permission: null,
        mutating: false,
        needs,
        async handler({ deps }) {
          seen = deps;
        },
      });
      await command.run({ ...context, capabilities: everything });
      expect(Object.keys(seen ?? {}).sort()).toEqual([...needs].sort());
    },
  );

  it('a button is given only what it declares', async () => {
    let seen: object | undefined;
    const action = defineAction({
      actionId: 'opsdeck.probe',
      needs: ['tails'],
      async handler({ deps }) {
        seen = deps;
      },
    });
    const click = {
      actionId: 'opsdeck.probe',
      value: 'x',
      userId: 'U1',
      channelId: 'C1',
      messageTs: undefined,
      reply: context.reply,
    };
    await action.run({
      click,
      roles: [],
      unverified: [],
      capabilities: everything,
      log: context.log,
      runCommand: async () => {},
    });
    expect(seen).toEqual({ tails: { marker: 'tails' } });
  });

  it('every shipped command and button declares only capabilities that exist', () => {
    const known = Object.keys(everything);
    for (const command of commands)
      expect(known, `/${command.family} ${command.sub ?? ''}`).toEqual(expect.arrayContaining([...command.needs]));
    expect(actions.length).toBeGreaterThan(0);
  });
});
