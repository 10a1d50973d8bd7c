import { randomBytes } from 'node:crypto';

/** A view as Slack keeps it: a user's App Home, or a modal open in front of them. */
export interface StoredView {
  id: string;
  type: 'home' | 'modal';
  user: string;
  callbackId: string;
  privateMetadata: string;
  externalId?: string;
  hash: string;
  /** The view as the app sent it (title, blocks, submit, …). */
  view: Record<string, unknown>;
  /** Errors the app returned for the last submission, by block id. */
  errors?: Record<string, string>;
}

/** Slack's window for opening a modal with a trigger_id. */
const TRIGGER_MS = 3000;
// Slack stacks at most three modals.
const MAX_STACK = 3;

const newViewId = (): string => `V${randomBytes(5).toString('hex').toUpperCase()}`;

/**
 * App Homes and modal stacks per user, and the trigger_ids that may open modals, with Slack's rules:
 * a trigger works once and within 3 s, `views.update` with a stale hash fails with `hash_conflict`.
 */
export class ViewStore {
  readonly #homes = new Map<string, StoredView>();
  readonly #modals = new Map<string, StoredView[]>();
  readonly #triggers = new Map<string, { user: string; at: number }>();
  readonly #now: () => number;
  readonly #changed: (view: StoredView, closed?: boolean) => void;

  constructor(now: () => number, changed: (view: StoredView, closed?: boolean) => void) {
    this.#now = now;
    this.#changed = changed;
  }

  issueTrigger(id: string, user: string): void {
    this.#triggers.set(id, { user, at: this.#now() });
  }

  home(user: string): StoredView | undefined {
    return this.#homes.get(user);
  }

  /** The modal on top of the user's stack. */
  modal(user: string): StoredView | undefined {
    return this.#modals.get(user)?.at(-1);
  }

  find(id: string): StoredView | undefined {
    for (const home of this.#homes.values()) if (home.id === id) return home;
    for (const stack of this.#modals.values()) for (const modal of stack) if (modal.id === id) return modal;
    return undefined;
  }

  publish(user: string, view: Record<string, unknown>): StoredView {
    const old = this.#homes.get(user);
    const stored = this.#store(old?.id ?? newViewId(), 'home', user, view);
    this.#homes.set(user, stored);
    this.#changed(stored);
    return stored;
  }

  /** Opens (or pushes) a modal; an error code as Slack's when the trigger is unknown, used or expired. */
  open(triggerId: string, view: Record<string, unknown>, push: boolean): StoredView | string {
    const trigger = this.#triggers.get(triggerId);
    if (!trigger) return 'invalid_trigger_id';
    this.#triggers.delete(triggerId);
    if (this.#now() - trigger.at > TRIGGER_MS) return 'expired_trigger_id';
    const stack = push ? (this.#modals.get(trigger.user) ?? []) : [];
    if (stack.length >= MAX_STACK) return 'push_limit_reached';
    const stored = this.#store(newViewId(), 'modal', trigger.user, view);
    this.#modals.set(trigger.user, [...stack, stored]);
    this.#changed(stored);
    return stored;
  }

  update(
    ref: { viewId?: string; externalId?: string; hash?: string },
    view: Record<string, unknown>,
  ): StoredView | string {
    const old = ref.viewId ? this.find(ref.viewId) : this.#byExternalId(ref.externalId);
    if (!old) return 'not_found';
    if (ref.hash !== undefined && ref.hash !== old.hash) return 'hash_conflict';
    const stored = this.#store(old.id, old.type, old.user, view);
    this.#replace(old, stored);
    this.#changed(stored);
    return stored;
  }

  /** What a submission's `response_action` asks: errors shown in place, the view replaced, or the stack closed. */
  answered(user: string, answer: Record<string, unknown> | undefined): void {
    const top = this.modal(user);
    if (!top) return;
    const action = answer?.response_action;
    if (action === 'errors') {
      top.errors = (answer?.errors ?? {}) as Record<string, string>;
      this.#changed(top);
    } else if (action === 'update' && answer?.view) {
      this.update({ viewId: top.id }, answer.view as Record<string, unknown>);
    } else if (action === 'push' && answer?.view) {
      const pushed = this.#store(newViewId(), 'modal', user, answer.view as Record<string, unknown>);
      this.#modals.get(user)?.push(pushed);
      this.#changed(pushed);
    } else if (action === 'clear') {
      this.close(user, true);
    } else {
      this.close(user, false);
    }
  }

  /** Closes the top modal (or every one, as `clear` does). */
  close(user: string, all: boolean): void {
    const stack = this.#modals.get(user) ?? [];
    const closed = all ? stack.splice(0) : stack.splice(-1);
    for (const view of closed) this.#changed(view, true);
  }

  clear(): void {
    this.#homes.clear();
    this.#modals.clear();
    this.#triggers.clear();
  }

  #byExternalId(externalId: string | undefined): StoredView | undefined {
    if (externalId === undefined) return undefined;
    for (const stack of this.#modals.values()) for (const v of stack) if (v.externalId === externalId) return v;
    return undefined;
  }

  #replace(old: StoredView, next: StoredView): void {
    if (old.type === 'home') return void this.#homes.set(old.user, next);
    const stack = this.#modals.get(old.user) ?? [];
    const at = stack.findIndex((v) => v.id === old.id);
    if (at >= 0) stack[at] = next;
  }

  #store(id: string, type: 'home' | 'modal', user: string, view: Record<string, unknown>): StoredView {
    const str = (key: string) => (typeof view[key] === 'string' ? (view[key] as string) : '');
    return {
      id,
      type,
      user,
      callbackId: str('callback_id'),
      privateMetadata: str('private_metadata'),
      ...(str('external_id') ? { externalId: str('external_id') } : {}),
      hash: `${Date.now()}.${randomBytes(4).toString('hex')}`,
      view,
    };
  }
}

/** The view as Slack sends it back in payloads and API answers. */
export function viewJson(v: StoredView, teamId: string, appId: string, values?: unknown): Record<string, unknown> {
  return {
    ...v.view,
    id: v.id,
    team_id: teamId,
    type: v.type,
    app_id: appId,
    bot_id: undefined,
    callback_id: v.callbackId,
    private_metadata: v.privateMetadata,
    external_id: v.externalId ?? '',
    hash: v.hash,
    state: { values: values ?? {} },
  };
}
