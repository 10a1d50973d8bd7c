import type { Directory } from '../ports/directory.ts';
import { formatPermission, grantCovers, grantMentionsVerb, type Permission } from './permission.ts';

export interface RoleDefinition {
  members: readonly string[];
  allow: readonly string[];
}

export type Decision =
  | { allowed: true; roles: string[] }
  | { allowed: false; roles: string[]; reason: string };

/**
 * Role-based access: a user holds a role when listed by id or through an `@usergroup` handle.
 * Everything not granted is denied, and a denial names what is missing.
 */
export class Policy {
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
    const held: string[] = [];
    for (const [name, role] of this.#roles) {
      if (await this.#isMember(userId, role.members)) held.push(name);
    }
    return held;
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
    const roles = await this.rolesOf(userId);
    if (this.allows(roles, need)) return { allowed: true, roles };
    return { allowed: false, roles, reason: this.denialReason(roles, need) };
  }

  denialReason(roles: readonly string[], need: Permission): string {
    const wanted = formatPermission(need);
    const granting = this.rolesGranting(need);
    const have = roles.length ? `you have ${roles.map((r) => `\`${r}\``).join(', ')}` : 'you have no opsdeck role';
    if (!granting.length) return `no role grants \`${wanted}\` (${have})`;
    const options = granting.map((r) => `\`${r}\``).join(' or ');
    return `needs role ${options} for \`${wanted}\` (${have})`;
  }

  async #isMember(userId: string, members: readonly string[]): Promise<boolean> {
    for (const member of members) {
      if (member === userId) return true;
      if (member.startsWith('@') && (await this.#directory.groupMembers(member.slice(1))).has(userId)) return true;
    }
    return false;
  }
}
