import type { ActionSpec } from '../src/core/action.ts';
import type { ChangeKind } from '../src/core/change.ts';
import type { CommandSpec } from '../src/core/command.ts';
import { deploy, deployChange } from './deploy.ts';
import { logs, logsActions } from './logs.ts';
import { audit, help, lock, locks, runbooksReload, status, unlock, whoami } from './ops/index.ts';
import { rollback, rollbackChange } from './rollback.ts';
import { runbook, runbookActions } from './runbook/index.ts';
import { scale, scaleChange } from './scale.ts';

/** Every command opsdeck offers. A static list, so what runs is what is reviewed. */
export const commands: readonly CommandSpec[] = [
  deploy,
  rollback,
  scale,
  logs,
  runbook,
  help,
  whoami,
  status,
  lock,
  unlock,
  locks,
  runbooksReload,
  audit,
];

/** Buttons that commands put on their messages (approval buttons come from the change flow). */
export const actions: readonly ActionSpec[] = [...runbookActions, ...logsActions];

/** How each kind of approved change is carried out and checked, by request kind. */
export const changeKinds: Readonly<Record<string, ChangeKind>> = {
  deploy: deployChange,
  rollback: rollbackChange,
  scale: scaleChange,
};
