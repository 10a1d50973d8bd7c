import { z } from 'zod';
import type { Capabilities } from '../../src/core/capabilities.ts';
import { defineCommand } from '../../src/core/command.ts';
import { formatTime } from '../../src/core/format.ts';
import { activeFreeze } from '../../src/core/freeze.ts';
import type { Block } from '../../src/core/message.ts';
import { bold, code, join, link, mention, t, type Text } from '../../src/core/text.ts';
import type { RunningVersion } from '../../src/ports/backends.ts';
import { SERVICE } from '../target.ts';
import { againstDefaultBranch, lastChanges } from './status-lines.ts';

type StatusDeps = Pick<Capabilities, 'backends' | 'requests' | 'locks' | 'clock' | 'catalog'>;

async function describeEnv(deps: StatusDeps, service: string, env: string): Promise<Text> {
  const { backends, requests, locks, clock, catalog } = deps;
  const now = clock.now();
  const lines: Text[] = [];
  const running = await backends
    .deployer(service)
    ?.current({ service, env })
    .catch((err: unknown): RunningVersion => ({ description: `unknown (${(err as Error).message})` }));
  const compared = await againstDefaultBranch(backends, catalog.services[service]?.github, running);
  const version = running?.description ?? 'unknown';
  lines.push(compared ? t`${bold('Version:')} ${version}, ${compared}` : t`${bold('Version:')} ${version}`);
  for (const d of running?.details ?? []) {
    lines.push(t`${bold(`${d.label}:`)} ${d.url ? link(d.url, d.text) : d.text}`);
  }
  const scaler = backends.scaler(service);
  if (scaler) {
    const s = await scaler.status({ service, env }).catch(() => undefined);
    const autoscaled = s?.autoscaler ? ` (autoscaled ${s.autoscaler.min}–${s.autoscaler.max})` : '';
    lines.push(t`${bold('Replicas:')} ${s ? `${s.ready}/${s.replicas} ready${autoscaled}` : 'unknown'}`);
  }
  lines.push(...(await lastChanges(requests, service, env)));
  const lock = await locks.getLock(service, env, now);
  if (lock) lines.push(t`${bold('Locked')} by ${mention(lock.owner)}: ${lock.reason}`);
  const freeze = activeFreeze(catalog.environments[env]?.freezes, now);
  if (freeze) lines.push(t`${bold('Frozen:')} ${code(freeze.name)} until ${formatTime(freeze.endsAt)}`);
  const pending = await requests.listRequests({ service, env, states: ['pending', 'approved', 'running'] });
  if (pending.length)
    lines.push(
      t`${bold('In progress:')} ${join(
        pending.map((r) => t`${r.kind} by ${mention(r.requester)} (${r.state})`),
        ', ',
      )}`,
    );
  return join(lines, '\n');
}

export const status = defineCommand({
  family: 'ops',
  sub: 'status',
  summary:
    'Show what runs where: version against the default branch, replicas, the last deploy, rollback and scale and ' +
    'how each ended, locks, freezes, pending requests',
  examples: ['/ops status api', '/ops status api prod'],
  positionals: [
    SERVICE,
    { name: 'env', kind: 'env', optional: true, help: 'one environment (default: all the service runs in)' },
  ],
  flags: {},
  schema: z.object({ service: z.string(), env: z.string().optional() }),
  permission: 'status',
  mutating: false,
  needs: ['backends', 'requests', 'locks', 'clock', 'catalog'],
  async handler({ args, deps, reply }) {
    const envs = args.env
      ? [args.env]
      : (deps.catalog.services[args.service]?.environments ?? Object.keys(deps.catalog.environments));
    const blocks: Block[] = [{ type: 'header', text: `Status of ${args.service}` }];
    for (const env of envs)
      blocks.push({ type: 'text', text: t`${bold(env)}\n${await describeEnv(deps, args.service, env)}` });
    await reply.ephemeral({ text: `Status of ${args.service}`, blocks });
  },
});
