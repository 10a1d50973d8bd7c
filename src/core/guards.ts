import type { LockStore } from '../ports/store.ts';
import type { Catalog } from './catalog.ts';
import { formatTime, mention, userText } from './format.ts';
import { activeFreeze } from './freeze.ts';

export interface GuardVerdict {
  /** Why the change is blocked, with what to do about it; undefined when nothing blocks it. */
  blocked?: string | undefined;
  /** Each lock or freeze in the way, without advice: for messages where `--force` is no option. */
  reasons: string[];
  /** What `--force` passed, for the break-glass flag in the message and audit. */
  forced?: string | undefined;
}

/**
 * Locks and freezes stop changes to a service in an environment. `--force` passes them when the
 * caller holds `breakglass` for that target; the caller decides, this only reports.
 */
export async function checkGuards(input: {
  store: Pick<LockStore, 'getLock'>;
  catalog: Catalog;
  now: Date;
  service: string;
  env: string;
  /** Whoever holds the lock may still change what they locked. */
  actor: string;
  force: boolean;
  canBreakGlass: boolean;
}): Promise<GuardVerdict> {
  const { store, catalog, now, service, env, actor, force, canBreakGlass } = input;
  const reasons: string[] = [];
  const lock = await store.getLock(service, env, now);
  if (lock && lock.owner !== actor) {
    const until = lock.expiresAt ? ` until ${formatTime(lock.expiresAt)}` : '';
    reasons.push(
      `\`${service}/${env}\` is locked by ${mention(lock.owner)} since ${formatTime(lock.createdAt)}${until}: ` +
        userText(lock.reason),
    );
  }
  const freeze = activeFreeze(catalog.environments[env]?.freezes, now);
  if (freeze) reasons.push(`\`${env}\` is in the \`${freeze.name}\` change freeze until ${formatTime(freeze.endsAt)}`);
  if (!reasons.length) return { reasons };
  const what = reasons.join('; ');
  if (force && canBreakGlass) return { forced: what, reasons };
  if (force)
    return {
      blocked: `${what}. \`--force\` needs the \`breakglass\` permission for \`${service}/${env}\``,
      reasons,
    };
  const unlock = lock && lock.owner !== actor ? ` \`/ops unlock ${service} ${env}\` when it is safe, or` : '';
  return { blocked: `${what}.${unlock} add \`--force\` for an emergency (needs \`breakglass\`)`, reasons };
}
