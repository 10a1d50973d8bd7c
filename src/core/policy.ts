import { DirectoryUnavailable, type Directory } from '../ports/directory.ts';
import { formatPermission, grantCovers, grantMentionsVerb, type Permission } from './permission.ts';

export interface RoleDefinition {
  members: readonly string[];
  allow: readonly string[];
}

/** The roles a user holds, and those that could not be checked because a user group could not be looked up. */
export interface ResolvedRoles {
  roles: string[];
  unverified: string[];
}

/** What commands and buttons ask of the roles: may these roles do this, and if not, why not. */
export interface Permissions {
  readonly roleNames: string[];
  membersOf(role: string): readonly string[];
  grantsOf(role: string): readonly string[];
  allows(roles: readonly string[], need: Permission): boolean;
  allowsVerbSomewhere(roles: readonly string[], verb: string): boolean;
  rolesGranting(need: Permission): string[];
  denialReason(roles: readonly string[], need: Permission, unverified?: readonly string[]): string;
}

export type Decision = { allowed: true; roles: string[] } | { allowed: false; roles: string[]; reason: string };

/**
 * Role-based access: a user holds a role when listed by id or through an `@usergroup` handle.
 * Everything not granted is denied, and a denial names what is missing.
 */
export class Policy implements Permissions {
  readonly #roles: ReadonlyMap<string, RoleDefinition>;
  readonly #directory: Directory;

  constructor(roles: Record<string, RoleDefinition>, directory: Directory) {
    this.#roles = new Map(Object.entries(roles));
    this.#directory = directory;
  }

  get roleNames(): string[] {
    return [...this.#roles.keys()];
  }

  membersOf(role: string): readonly string[] {
    return this.#roles.get(role)?.members ?? [];
  }

  grantsOf(role: string): readonly string[] {
    return this.#roles.get(role)?.allow ?? [];
  }

  async rolesOf(userId: string): Promise<string[]> {
    return (await this.resolve(userId)).roles;
  }

  /** Roles held, plus roles whose membership could not be checked right now (they grant nothing). */
  async resolve(userId: string): Promise<ResolvedRoles> {
    const roles: string[] = [];
    const unverified: string[] = [];
    for (const [name, role] of this.#roles) {
      const member = await this.#isMember(userId, role.members);
      if (member === true) roles.push(name);
      else if (member === undefined) unverified.push(name);
    }
    return { roles, unverified };
  }

  allows(roles: readonly string[], need: Permission): boolean {
    return roles.some((role) => this.grantsOf(role).some((grant) => grantCovers(grant, need)));
  }

  allowsVerbSomewhere(roles: readonly string[], verb: string): boolean {
    return roles.some((role) => this.grantsOf(role).some((grant) => grantMentionsVerb(grant, verb)));
  }

  rolesGranting(need: Permission): string[] {
    return this.roleNames.filter((role) => this.grantsOf(role).some((grant) => grantCovers(grant, need)));
  }

  async check(userId: string, need: Permission): Promise<Decision> {
    const { roles, unverified } = await this.resolve(userId);
    if (this.allows(roles, need)) return { allowed: true, roles };
    return { allowed: false, roles, reason: this.denialReason(roles, need, unverified) };
  }

  /**
   * Why `need` is refused. When a role that could grant it was not checked (Slack's user groups did not
   * answer), says so: "you hold no role" would be wrong, and trying again may well succeed.
   */
  denialReason(roles: readonly string[], need: Permission, unverified: readonly string[] = []): string {
    const wanted = formatPermission(need);
    if (this.allows(unverified, need)) {
      return (
        'could not verify your roles (Slack user groups did not answer), ' +
        `so \`${wanted}\` is refused for now; try again in a moment`
      );
    }
    const granting = this.rolesGranting(need);
    const have = roles.length ? `you have ${roles.map((r) => `\`${r}\``).join(', ')}` : 'you have no opsdeck role';
    if (!granting.length) return `no role grants \`${wanted}\` (${have})`;
    const options = granting.map((r) => `\`${r}\``).join(' or ');
    return `needs role ${options} for \`${wanted}\` (${have})`;
  }

  /** true, false, or undefined when a group could not be looked up and no listed id matched. */
  async #isMember(userId: string, members: readonly string[]): Promise<boolean | undefined> {
    if (members.includes(userId)) return true;
    let unknown = false;
    for (const member of members) {
      if (!member.startsWith('@')) continue;
      try {
        if ((await this.#directory.groupMembers(member.slice(1))).has(userId)) return true;
      } catch (err) {
        if (!(err instanceof DirectoryUnavailable)) throw err;
        unknown = true;
      }
    }
    return unknown ? undefined : false;
  }
}
