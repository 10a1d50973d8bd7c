import type { Action } from '../src/core/action.ts';
import type { ChangeKind } from '../src/core/changes/define-change.ts';
import type { Command } from '../src/core/command.ts';
import { BREAKGLASS } from '../src/core/permission.ts';
import { alertActions } from './alerts.ts';
import { deploy, deployChange } from './deploy.ts';
import { logs, logsActions } from './logs.ts';
import { audit, explain, help, lock, locks, reviews, runbooksReload, status, unlock, whoami } from './ops/index.ts';
import { rollback, rollbackChange } from './rollback.ts';
import { runbook, runbookActions } from './runbook/index.ts';
import { scale, scaleChange } from './scale.ts';

/** Every command opsdeck offers. A static list, so what runs is what is reviewed. */
export const commands: readonly Command[] = [
  deploy,
  rollback,
  scale,
  logs,
  runbook,
  help,
  whoami,
  explain,
  status,
  lock,
  unlock,
  locks,
  reviews,
  runbooksReload,
  audit,
];

/** Buttons that commands put on their messages (approval buttons come from the change flow). */
export const actions: readonly Action[] = [...runbookActions, ...logsActions, ...alertActions];

/** Every kind of change the mutating commands plan: how each is carried out and checked. */
export const changeKinds: readonly ChangeKind[] = [deployChange, rollbackChange, scaleChange];

/** The verbs a role can be granted: each command's permission, and the one that lets `--force` pass. */
export const verbs: readonly string[] = [...new Set([...commands.flatMap((c) => c.permission ?? []), BREAKGLASS])];
