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
  /** Every role, held or not, with where each held one comes from. */
  traceRoles(userId: string): Promise<RoleTrace[]>;
  membersOf(role: string): readonly string[];
  grantsOf(role: string): readonly string[];
  allows(roles: readonly string[], need: Permission): boolean;
  allowsVerbSomewhere(roles: readonly string[], verb: string): boolean;
  rolesGranting(need: Permission): string[];
  denialReason(roles: readonly string[], need: Permission, unverified?: readonly string[]): string;
}

/** How a user stands with one role, and why: for explaining a decision, from the code that makes it. */
export interface RoleTrace {
  role: string;
  held: boolean;
  /** Where a held role comes from: the user's id listed in the role, or a user group they are in. */
  via?: { direct: true } | { group: string } | undefined;
  /** User groups of the role that could not be looked up; while no listed id or group matched, it grants nothing. */
  unverifiedGroups: string[];
}

/** The roles a trace says are held, and those it could not check: what every decision is made on. */
export function rolesFrom(traces: readonly RoleTrace[]): ResolvedRoles {
  return {
    roles: traces.filter((r) => r.held).map((r) => r.role),
    unverified: traces.filter((r) => !r.held && r.unverifiedGroups.length).map((r) => r.role),
  };
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
    return rolesFrom(await this.traceRoles(userId));
  }

  async traceRoles(userId: string): Promise<RoleTrace[]> {
    const traces: RoleTrace[] = [];
    for (const [name, role] of this.#roles)
      traces.push({ role: name, ...(await this.#membership(userId, role.members)) });
    return traces;
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

  /** Whether the user holds a role with these members, and how; groups are asked only until one matches. */
  async #membership(userId: string, members: readonly string[]): Promise<Omit<RoleTrace, 'role'>> {
    if (members.includes(userId)) return { held: true, via: { direct: true }, unverifiedGroups: [] };
    const unverifiedGroups: string[] = [];
    for (const member of members) {
      if (!member.startsWith('@')) continue;
      try {
        if ((await this.#directory.groupMembers(member.slice(1))).has(userId)) {
          return { held: true, via: { group: member }, unverifiedGroups: [] };
        }
      } catch (err) {
        if (!(err instanceof DirectoryUnavailable)) throw err;
        unverifiedGroups.push(member);
      }
    }
    return { held: false, unverifiedGroups };
  }
}
