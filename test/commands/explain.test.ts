import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { explain } from '../../commands/ops/explain.ts';
import { walkDecision, type WalkDeps } from '../../commands/ops/explain-walk.ts';
import { parseConfig } from '../../src/config/load.ts';
import { denial } from '../../src/core/authorize.ts';
import type { Message } from '../../src/core/message.ts';
import { Policy } from '../../src/core/policy.ts';
import { Registry } from '../../src/core/registry.ts';
import { plainText } from '../../src/core/text.ts';
import type { CommitCheck } from '../../src/ports/commit-checks.ts';
import { DirectoryUnavailable, type Directory } from '../../src/ports/directory.ts';
import type { Lock } from '../../src/ports/store.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { ManualClock, WEEKDAY, WEEKEND } from '../helpers/clock.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const config = parseConfig(await readFile(new URL('../../opsdeck.example.yaml', import.meta.url), 'utf8'));
const SHA = 'c0ffee1'.padEnd(40, '0');
const GROUPS: Record<string, string[]> = { 'sre-oncall': ['U0BOB'], eng: ['U0ALICE', 'U0DAVE'] };

interface World {
  at?: Date;
  checks?: CommitCheck[];
  lock?: Lock;
  /** User groups that do not answer. */
  down?: string[];
}

function depsFor(world: World = {}): WalkDeps {
  const directory: Directory = {
    groupMembers: async (handle) => {
      if (world.down?.includes(handle)) throw new DirectoryUnavailable(handle);
      return new Set(GROUPS[handle] ?? []);
    },
    groupId: async (handle) => (handle === 'sre-oncall' ? 'S0SRE' : undefined),
  };
  const noLock = async () => undefined;
  return {
    catalog: config,
    permissions: new Policy(config.roles, directory),
    commands: new Registry(commands),
    directory,
    clock: new ManualClock(world.at ?? WEEKDAY),
    locks: {
      getLock: async () => world.lock,
      acquireLock: noLock as never,
      releaseLock: noLock,
      listLocks: async () => [],
    },
    backends: {
      deployer: () => undefined,
      scaler: () => undefined,
      sourceControl: {
        resolveRef: async () => ({ sha: SHA, url: `https://github.example/acme/api/commit/${SHA}` }),
        refKind: async () => 'tag',
        compare: async () => ({ aheadBy: 0, behindBy: 0, url: '', commits: [] }),
      },
    },
    commitChecks: { read: async () => world.checks ?? [] },
    requests: { listRequests: async () => [], getRequest: async () => undefined },
  };
}

async function explained(text: string, world: World = {}, asker = 'U0CAROL'): Promise<string> {
  const [user = '', verb = '', service = '', env = '', ref] = text.split(' ');
  const replies: Message[] = [];
  await explain.handler({
    invocationId: 'inv_1',
    actor: { userId: asker, roles: [] },
    channelId: 'C0GENERAL',
    args: { user, verb, service, env, ref },
    target: { service, env },
    deps: depsFor(world),
    reply: { ephemeral: async (m) => void replies.push(m), inChannel: async () => {} },
    log: silent,
    submit: async () => {},
  });
  return replies
    .flatMap((m) => m.blocks ?? [])
    .map((b) => ('text' in b ? plainText(b.text) : ''))
    .join('\n');
}

const red: CommitCheck = { name: 'test', state: 'failed', url: 'https://ci.example/7', detail: 'failure' };
const lock: Lock = { service: 'api', env: 'prod', owner: 'U0DAVE', reason: 'INC-9', createdAt: WEEKDAY };

describe('/ops explain', () => {
  it.each<[string, string, World, string[]]>([
    [
      'a developer through a user group, for prod',
      'U0ALICE deploy api prod',
      {},
      [
        'Yes in #C0DEPLOYS, then it waits for 1 approval(s) from `sre`',
        '`developer` through the user group @eng',
        '`deploy:api:prod` is granted by `developer` (`deploy:*:*`)',
        'only in #C0DEPLOYS',
        '1 approval(s) from `sre`: @U0BOB, @S0SRE',
        'Locks and freezes\nnone in force',
        'CI checks\nnone reported (every check must pass)',
        'Promotion\nno promotion rule for prod',
      ],
    ],
    [
      'a role no grant covers',
      'U0ALICE rollback api prod',
      {},
      ['No. They would be told: needs role `sre` for `rollback:api:prod` (you have `developer`)'],
    ],
    ['no role at all', 'U0ERIN logs api staging', {}, ['@U0ERIN holds no opsdeck role.', 'No. They would be told']],
    [
      'a read needs no channel or approval',
      'U0CAROL logs api staging',
      {},
      ['Yes, at once.', '`viewer`: listed by id'],
    ],
    [
      'a freeze, which bob may force',
      'U0BOB deploy api prod',
      { at: WEEKEND },
      ['Only with `--force` in #C0DEPLOYS', '`prod` is in the `weekend` change freeze', 'would pass them'],
    ],
    [
      'a freeze alice cannot force',
      'U0ALICE deploy api prod',
      { at: WEEKEND },
      ['Not now: one thing below stands in the way, and @U0ALICE holds no `breakglass`', 'would not help'],
    ],
    [
      "someone else's lock and a red check",
      'U0ALICE deploy api prod v1.4.2',
      { lock, checks: [red] },
      [
        'Not now: 2 things below stand',
        'locked by @U0DAVE',
        'CI (v1.4.2)',
        'CI on `c0ffee1`: `test` (https://ci.example/7) failed',
      ],
    ],
    ['their own lock', 'U0DAVE deploy api prod', { lock }, ['Yes in #C0DEPLOYS', 'none in force']],
    [
      'a user group that does not answer',
      'U0ALICE deploy api staging',
      { down: ['eng'] },
      ['`developer`: not known, @eng could not be looked up', 'could not verify your roles'],
    ],
    ['staging, with nothing required', 'me deploy api staging', { checks: [red] }, ['Yes, at once.', 'none required']],
  ])('%s', async (_label, text, world, expected) => {
    const shown = await explained(text, world, 'U0ALICE');
    for (const line of expected) expect(shown).toContain(line);
  });

  it.each([
    ['alice deploy api prod', 'Name the person with a mention (`@alice`) or `me`, not `alice`'],
    ['U0ALICE deply api prod', '`deply` is not a permission verb. Did you mean `deploy`?'],
  ])('refuses %j', async (text, message) => {
    await expect(explained(text)).rejects.toThrow(message);
  });

  it('can never disagree with the dispatcher: same roles, same grant, same channel rule', async () => {
    const deps = depsFor();
    const policy = deps.permissions as Policy;
    for (const user of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0ERIN']) {
      for (const command of commands.filter((c) => c.permission !== null)) {
        for (const env of ['staging', 'prod']) {
          const walk = await walkDecision(deps, { user, verb: command.permission ?? '', service: 'api', env });
          const refused = denial(deps, command, await policy.resolve(user), { service: 'api', env }, 'C0DEPLOYS');
          const label = `${user} ${command.permission} ${env}`;
          expect(walk.permission.allowed, label).toBe(refused === undefined);
          if (refused) expect(plainText(walk.permission.reason ?? ''), label).toBe(plainText(refused));
          const elsewhere = denial(deps, command, await policy.resolve(user), { service: 'api', env }, 'C0GENERAL');
          if (walk.permission.allowed) expect(elsewhere === undefined, label).toBe(walk.channels === undefined);
        }
      }
    }
  });
});
