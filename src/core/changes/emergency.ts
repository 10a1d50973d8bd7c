import type { EnvironmentInfo } from '../catalog.ts';
import { formatDuration, parseDuration } from '../duration.ts';
import { formatTime } from '../format.ts';
import { code, concat, join, t, type Text } from '../text.ts';

/** An environment's emergency path, as the config states it. */
export type EmergencyPolicy = NonNullable<NonNullable<EnvironmentInfo['approval']>['emergency']>;

/** How long approvers get to answer before self-approval is allowed: `0` and `at-once` mean not at all. */
export function emergencyAfterMs(policy: EmergencyPolicy): number {
  const { after } = policy;
  if (after === 0 || after === '0' || after === 'at-once') return 0;
  return parseDuration(String(after)) ?? 0;
}

export interface EmergencyAsk {
  env: string;
  /** How the command is run again, for messages: `/deploy api prod v1.4.2`. */
  command: string;
  approval: EnvironmentInfo['approval'];
  reason: string;
  roles: readonly string[];
  /** Roles that could not be checked (a user group did not answer): never granted, never a plain "no". */
  unverified: readonly string[];
  now: Date;
  /** When the requester's own pending request for this change was made; undefined when there is none. */
  waitingSince: Date | undefined;
}

export type EmergencyVerdict =
  | { allowed: true; policy: EmergencyPolicy; reviewDueAt: Date }
  | {
      allowed: false;
      why: 'no-reason' | 'no-approval' | 'no-policy' | 'no-role' | 'unverified' | 'too-early';
      text: Text;
      /** When it becomes possible, for `too-early` with a request waiting. */
      possibleAt?: Date | undefined;
    };

/** Whether a requester may approve their own change in an emergency, and if not, exactly why and what to do. */
export function decideEmergency(ask: EmergencyAsk): EmergencyVerdict {
  const env = code(ask.env);
  if (!ask.reason.trim()) {
    return {
      allowed: false,
      why: 'no-reason',
      text: t`${code('--emergency')} needs a reason: ${code(`${ask.command} --emergency "checkout is down"`)}.`,
    };
  }
  if (!ask.approval) {
    return {
      allowed: false,
      why: 'no-approval',
      text: t`Changes to ${env} need no approval: run ${code(ask.command)} without ${code('--emergency')}.`,
    };
  }
  const policy = ask.approval.emergency;
  if (!policy) {
    const from = join(ask.approval.from.map(code), ' or ');
    return {
      allowed: false,
      why: 'no-policy',
      text: concat(
        t`There is no emergency path in ${env}: a change there needs approval by someone else with role ${from}. `,
        t`An admin can set ${code(`environments.${ask.env}.approval.emergency`)} in opsdeck.yaml to allow one.`,
      ),
    };
  }
  const role = code(policy.role);
  if (!ask.roles.includes(policy.role)) {
    if (ask.unverified.includes(policy.role)) {
      return {
        allowed: false,
        why: 'unverified',
        text: t`Could not verify your role ${role} (Slack user groups did not answer). Try again in a moment.`,
      };
    }
    const have = ask.roles.length ? t`you have ${join(ask.roles.map(code), ', ')}` : 'you have no opsdeck role';
    return {
      allowed: false,
      why: 'no-role',
      text: concat(
        t`Emergency self-approval in ${env} needs role ${role} (${have}). `,
        t`To get it, ask whoever maintains opsdeck.yaml to add you to ${code(`roles.${policy.role}.members`)} `,
        'or to a user group listed there.',
      ),
    };
  }
  const afterMs = emergencyAfterMs(policy);
  const review = parseDuration(policy.review) ?? 0;
  const allowed = { allowed: true as const, policy, reviewDueAt: new Date(ask.now.getTime() + review) };
  if (afterMs === 0) return allowed;
  const wait = formatDuration(afterMs);
  if (!ask.waitingSince) {
    return {
      allowed: false,
      why: 'too-early',
      text: concat(
        t`Too early for an emergency self-approval in ${env}: approvers get ${wait} to answer first. `,
        t`Request it without ${code('--emergency')} (${code(ask.command)}); if nobody decides within ${wait}, `,
        t`run it again with ${code('--emergency')}.`,
      ),
    };
  }
  const possibleAt = new Date(ask.waitingSince.getTime() + afterMs);
  if (possibleAt.getTime() > ask.now.getTime()) {
    const left = formatDuration(possibleAt.getTime() - ask.now.getTime());
    return {
      allowed: false,
      why: 'too-early',
      possibleAt,
      text: concat(
        t`Too early for an emergency self-approval: approvers get ${wait} to answer your request. `,
        t`You may approve it yourself with ${code('--emergency')} from ${formatTime(possibleAt)} (in ${left}).`,
      ),
    };
  }
  return allowed;
}
