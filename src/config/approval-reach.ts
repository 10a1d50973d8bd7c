import type { Finding } from './problems.ts';
import type { OpsdeckConfig } from './schema.ts';

const count = (n: number, what: string) => (n === 0 ? `no ${what}s` : `${n} ${what}${n === 1 ? '' : 's'}`);

/**
 * Approval rules that cannot be met by the people the config names. Approvers are the members of the
 * `from` roles, and the requester never counts: with only user ids listed, `required` must stay below
 * their number for a member's own request to be approvable. User groups are sized only in Slack, so
 * when the ids alone do not settle it the check says it was skipped.
 */
export function approvalReach(config: OpsdeckConfig): Finding[] {
  const findings: Finding[] = [];
  for (const [envName, env] of Object.entries(config.environments)) {
    if (!env.approval) continue;
    const required = env.approval.required;
    const roles = env.approval.from.filter((r) => config.roles[r]);
    if (!roles.length) continue;
    const members = new Set(roles.flatMap((r) => config.roles[r]!.members));
    const users = [...members].filter((m) => !m.startsWith('@'));
    const groups = [...members].filter((m) => m.startsWith('@'));
    const path = `environments.${envName}.approval.required`;
    const who = roles.length === 1 ? `role ${roles[0]} has` : `roles ${roles.join(', ')} have`;
    const listed = users.length ? ` (${users.join(', ')})` : '';
    const approvers = `${required} approver${required === 1 ? '' : 's'}`;
    if (users.length - 1 >= required) continue;
    if (groups.length) {
      findings.push({
        level: 'note',
        path,
        message:
          `not checked offline: it needs ${approvers} besides the requester; ` +
          `${who} ${count(users.length, 'user id')}${listed} and ${groups.join(', ')}, whose members only Slack knows`,
      });
    } else if (required > users.length) {
      const message = `can never be met: it needs ${approvers}, and ${who} ${count(users.length, 'member')}${listed}`;
      findings.push({ level: 'warning', path, message });
    } else {
      findings.push({
        level: 'warning',
        path,
        message:
          `a request by a member of ${roles.join(', ')}${listed} can never be approved: it needs ${approvers} ` +
          `besides the requester, and ${who} ${count(users.length, 'member')}`,
      });
    }
  }
  return findings;
}
