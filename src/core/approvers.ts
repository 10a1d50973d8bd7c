import type { Services } from './command.ts';
import { mention } from './format.ts';

/** Mentions for everyone who can approve changes to `env`: user ids directly, groups by their id. */
export async function approversToNotify(
  services: Pick<Services, 'catalog' | 'policy' | 'directory'>,
  env: string,
): Promise<string[]> {
  const roles =
    services.catalog.environments[env]?.approval?.from ??
    services.policy.roleNames.filter((r) => services.policy.allowsVerbSomewhere([r], 'breakglass'));
  const out = new Set<string>();
  for (const role of roles) {
    for (const member of services.policy.membersOf(role)) {
      if (!member.startsWith('@')) {
        out.add(mention(member));
        continue;
      }
      const id = await services.directory.groupId(member.slice(1));
      out.add(id ? `<!subteam^${id}>` : member);
    }
  }
  return [...out];
}

/**
 * How many people besides `requester` hold a role that may approve changes to `env`; undefined when a
 * user group could not be looked up, since then nobody can say.
 */
export async function approversBesides(
  services: Pick<Services, 'catalog' | 'policy' | 'directory'>,
  env: string,
  requester: string,
): Promise<number | undefined> {
  const from = services.catalog.environments[env]?.approval?.from ?? [];
  const people = new Set<string>();
  for (const role of from) {
    for (const member of services.policy.membersOf(role)) {
      if (!member.startsWith('@')) people.add(member);
      else for (const id of await services.directory.groupMembers(member.slice(1))) people.add(id);
    }
  }
  people.delete(requester);
  return people.size;
}
