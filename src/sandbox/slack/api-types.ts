import type { FileStore } from './file-store.ts';
import type { Args } from './http-util.ts';
import type { MessageStore } from './message-store.ts';
import type { ViewStore } from './views.ts';
import type { Workspace } from './workspace.ts';

export interface ApiContext {
  workspace: Workspace;
  store: MessageStore;
  files: FileStore;
  views: ViewStore;
  baseUrl: string;
}

export type ApiResult = { ok: true; [key: string]: unknown } | { ok: false; error: string };
export type ApiHandler = (args: Args, ctx: ApiContext) => ApiResult;

export const fail = (error: string): ApiResult => ({ ok: false, error });

export function str(args: Args, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function flag(args: Args, key: string): boolean {
  const value = args[key];
  return value === true || value === 1 || value === 'true' || value === '1';
}
