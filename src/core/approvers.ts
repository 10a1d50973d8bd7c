import type { Services } from './command.ts';
import { mention } from './format.ts';

/** Mentions for everyone who can approve changes to `env`: user ids directly, groups by their id. */
export async function approversToNotify(services: Pick<Services, 'catalog' | 'policy' | 'directory'>, env: string): Promise<string[]> {
  const roles = services.catalog.environments[env]?.approval?.from ?? services.policy.roleNames.filter((r) => services.policy.allowsVerbSomewhere([r], 'breakglass'));
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
