import type { CommandSpec } from '../src/core/command.ts';
import { audit, help, whoami } from './ops/index.ts';

/** Every command opsdeck offers. A static list, so what runs is what is reviewed. */
export const commands: readonly CommandSpec[] = [help, whoami, audit];
