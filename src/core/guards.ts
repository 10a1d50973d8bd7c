import type { LockStore } from '../ports/store.ts';
import type { Catalog } from './catalog.ts';
import { formatTime } from './format.ts';
import { activeFreeze } from './freeze.ts';
import { code, join, mention, t, type Text } from './text.ts';

export interface GuardVerdict {
  /** Why the change is blocked, with what to do about it; undefined when nothing blocks it. */
  blocked?: Text | undefined;
  /** Each lock or freeze in the way, without advice: for messages where `--force` is no option. */
  reasons: Text[];
  /** What `--force` passed, for the break-glass flag in the message and audit. */
  forced?: Text | undefined;
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
  const reasons: Text[] = [];
  const target = code(`${input.service}/${input.env}`);
  const lock = await input.store.getLock(input.service, input.env, input.now);
  if (lock && lock.owner !== input.actor) {
    const until = lock.expiresAt ? ` until ${formatTime(lock.expiresAt)}` : '';
    reasons.push(
      t`${target} is locked by ${mention(lock.owner)} since ${formatTime(lock.createdAt)}${until}: ${lock.reason}`,
    );
  }
  const freeze = activeFreeze(input.catalog.environments[input.env]?.freezes, input.now);
  if (freeze)
    reasons.push(t`${code(input.env)} is in the ${code(freeze.name)} change freeze until ${formatTime(freeze.endsAt)}`);
  if (!reasons.length) return { reasons };
  const what = join(reasons, '; ');
  if (input.force && input.canBreakGlass) return { forced: what, reasons };
  if (input.force)
    return {
      blocked: t`${what}. ${code('--force')} needs the ${code('breakglass')} permission for ${target}`,
      reasons,
    };
  const unlock =
    lock && lock.owner !== input.actor
      ? t` ${code(`/ops unlock ${input.service} ${input.env}`)} when it is safe, or`
      : '';
  return {
    blocked: t`${what}.${unlock} add ${code('--force')} for an emergency (needs ${code('breakglass')})`,
    reasons,
  };
}
