import { Cron } from 'croner';
import type { FreezeWindow } from './catalog.ts';
import { parseDuration } from './duration.ts';

export interface ActiveFreeze {
  name: string;
  startedAt: Date;
  endsAt: Date;
}

/**
 * The freeze window `now` falls in, if any. A window is active when its most recent start is
 * within `duration` of now: the first start after `now - duration` is at or before `now`.
 */
export function activeFreeze(freezes: readonly FreezeWindow[] | undefined, now: Date): ActiveFreeze | undefined {
  for (const freeze of freezes ?? []) {
    const duration = parseDuration(freeze.duration);
    if (duration === undefined) continue;
    const cron = new Cron(freeze.cron, { timezone: freeze.timezone, paused: true });
    const start = cron.nextRun(new Date(now.getTime() - duration));
    if (start && start.getTime() <= now.getTime()) {
      return { name: freeze.name, startedAt: start, endsAt: new Date(start.getTime() + duration) };
    }
  }
  return undefined;
}
