import type { Directory } from '../ports/directory.ts';
import type { Catalog } from './catalog.ts';
import type { Permissions } from './policy.ts';
import { BREAKGLASS } from './permission.ts';

/** Who approves: the roles from the config, their members, and the user groups behind them. */
export interface ApproverSources {
  catalog: Catalog;
  permissions: Permissions;
  directory: Directory;
}
import { group, type Inline, mention } from './text.ts';

/** Mentions for everyone who can approve changes to `env`: people directly, user groups by the chat's id. */
export async function approversToNotify(sources: ApproverSources, env: string): Promise<Inline[]> {
  const roles =
    sources.catalog.environments[env]?.approval?.from ??
    sources.permissions.roleNames.filter((r) => sources.permissions.allowsVerbSomewhere([r], BREAKGLASS));
  const out = new Map<string, Inline>();
  for (const role of roles) {
    for (const member of sources.permissions.membersOf(role)) {
      if (!member.startsWith('@')) {
        out.set(member, mention(member));
        continue;
      }
      // A group the chat does not know is named as written, so the message still says who should look.
      const id = await sources.directory.groupId(member.slice(1));
      out.set(member, id ? group(id) : member);
    }
  }
  return [...out.values()];
}

/**
 * How many people besides `requester` hold a role that may approve changes to `env`; undefined when a
 * user group could not be looked up, since then nobody can say.
 */
export async function approversBesides(
  sources: ApproverSources,
  env: string,
  requester: string,
): Promise<number | undefined> {
  const from = sources.catalog.environments[env]?.approval?.from ?? [];
  const people = new Set<string>();
  for (const role of from) {
    for (const member of sources.permissions.membersOf(role)) {
      if (!member.startsWith('@')) people.add(member);
      else for (const id of await sources.directory.groupMembers(member.slice(1))) people.add(id);
    }
  }
  people.delete(requester);
  return people.size;
}
