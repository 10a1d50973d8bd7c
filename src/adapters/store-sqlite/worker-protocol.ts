import { type Store, TargetBusy } from '../../ports/store.ts';
import { StoreOpenError } from './store-open-error.ts';

/** Audit records per message when the audit log is read through the store thread. */
export const AUDIT_PAGE = 500;

/** What the store thread can be asked: every `Store` method, with the audit log read a page at a time. */
export type Method = Exclude<keyof Store, 'readAudit'> | 'auditPage';

/** One call, with the caller's time: the store stamps and judges leases with it, as on the caller's clock. */
export interface Call {
  id: number;
  method: Method;
  args: unknown[];
  now: number;
}

export type Reply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: SerializedError };

export interface SerializedError {
  /** The error's class, so the caller's side can throw the same one. */
  kind: string;
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { kind: 'Error', name: 'Error', message: String(err), fields: {} };
  return { kind: err.constructor.name, name: err.name, message: err.message, fields: { ...err } };
}

/** The error as the store would have thrown it in this thread, so callers can still tell `TargetBusy` apart. */
export function reviveError(e: SerializedError): Error {
  if (e.kind === 'TargetBusy') {
    const f = e.fields as { service: string; env: string; runningId: string };
    return new TargetBusy({ service: f.service, env: f.env }, f.runningId);
  }
  if (e.kind === 'StoreOpenError') return new StoreOpenError(e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
