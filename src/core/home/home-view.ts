import type { Backends } from '../../ports/backends.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LockStore, RequestStore, StoredRequest, TailStore } from '../../ports/store.ts';
import type { Catalog } from '../catalog.ts';
import { envelopeOf, outcomeSummary } from '../changes/request-envelope.ts';
import { ACTION_APPROVE, ACTION_REJECT, requestBody } from '../changes/request-view.ts';
import { formatTime } from '../format.ts';
import { activeFreeze } from '../freeze.ts';
import { ACTION_STOP } from '../logs/tail-text.ts';
import type { Block, Message } from '../message.ts';
import type { Permissions, ResolvedRoles } from '../policy.ts';
import { bold, code, emoji, join, mention, t, type Text } from '../text.ts';
import type { ReviewSource } from './review-source.ts';
import { type AllowedTarget, allowedTargets } from './targets.ts';

export interface HomeDeps {
  catalog: Catalog;
  permissions: Permissions;
  clock: Clock;
  backends: Backends;
  requests: Pick<RequestStore, 'listRequests' | 'listApprovals'>;
  locks: Pick<LockStore, 'getLock'>;
  tails: Pick<TailStore, 'listTails'>;
  /** Emergency changes awaiting review, when the emergency path is configured. */
  reviews?: ReviewSource | undefined;
  /** How long one backend may take to say what runs before the home shows "unknown" (default 2 s). */
  backendTimeoutMs?: number;
  /** How long one answer of a backend serves every home drawn meanwhile (default 3 s). */
  shareMs?: number;
}

const CHANGE_KINDS = ['deploy', 'rollback', 'scale'];
const ENDED = ['succeeded', 'failed'] as const;
// A home view holds 100 blocks; requests and services beyond these are left to the commands.
const MAX_REQUESTS = 10;
const MAX_TARGETS = 20;

/**
 * What one person sees on opsdeck's App Home: requests waiting for their approval (with the same buttons as
 * in the channel), their live log follows, and every service and environment they may act on, with what
 * runs there. Everything is decided by the same policy as the commands; buttons are checked again on click.
 */
export class HomeView {
  readonly #deps: HomeDeps;
  readonly #answers = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(deps: HomeDeps) {
    this.#deps = deps;
  }

  /** Something changed: what the backends said before may no longer hold. */
  forget(): void {
    this.#answers.clear();
  }

  async render(userId: string, held: ResolvedRoles): Promise<Message> {
    const { roles } = held;
    const blocks: Block[] = [{ type: 'header', text: 'opsdeck' }];
    const who = roles.length ? t`Your roles: ${join(roles.map(code), ', ')}.` : 'You hold no opsdeck role yet.';
    blocks.push({ type: 'context', text: t`${who} Updated ${formatTime(this.#deps.clock.now())}.` });
    blocks.push(...(await this.#approvals(userId, roles)));
    blocks.push(...(await this.#reviews(userId, roles)));
    blocks.push(...(await this.#follows(userId)));
    const targets = allowedTargets(this.#deps.catalog, this.#deps.permissions, roles);
    blocks.push({ type: 'header', text: 'Services you can act on' });
    if (!targets.length) {
      const text = held.unverified.length
        ? 'Your roles could not be verified right now (Slack user groups did not answer); open this tab again soon.'
        : 'None: ask the platform team for a role in opsdeck.yaml.';
      blocks.push({ type: 'text', text });
    }
    const shown = targets.slice(0, MAX_TARGETS);
    const described = await Promise.all(shown.map((target) => this.#target(target)));
    for (const text of described) blocks.push({ type: 'text', text });
    if (targets.length > shown.length)
      blocks.push({ type: 'context', text: `${targets.length - shown.length} more; see /ops status.` });
    return { text: 'opsdeck home', blocks };
  }

  async #approvals(userId: string, roles: readonly string[]): Promise<Block[]> {
    const { catalog, requests } = this.#deps;
    const pending = await requests.listRequests({ states: ['pending'] });
    const mine: StoredRequest[] = [];
    for (const req of pending) {
      const from = catalog.environments[req.env]?.approval?.from ?? [];
      if (req.requester === userId || envelopeOf(req).direct || !roles.some((r) => from.includes(r))) continue;
      const approvals = await requests.listApprovals(req.id);
      if (!approvals.some((a) => a.approver === userId)) mine.push(req);
    }
    if (!mine.length) return [];
    const blocks: Block[] = [{ type: 'header', text: `Waiting for your approval (${mine.length})` }];
    for (const req of mine.slice(0, MAX_REQUESTS)) {
      const [, headline] = requestBody(req);
      const expiry = req.expiresAt ? ` · expires ${formatTime(req.expiresAt)}` : '';
      blocks.push(
        headline ?? { type: 'text', text: envelopeOf(req).title },
        { type: 'context', text: t`Requested by ${mention(req.requester)}${expiry} · ${code(req.id)}` },
        {
          type: 'actions',
          buttons: [
            { actionId: ACTION_APPROVE, label: 'Approve', value: req.id, style: 'primary' },
            { actionId: ACTION_REJECT, label: 'Reject', value: req.id, style: 'danger' },
          ],
        },
      );
    }
    return [...blocks, { type: 'divider' }];
  }

  async #reviews(userId: string, roles: readonly string[]): Promise<Block[]> {
    const items = (await this.#deps.reviews?.unacknowledgedFor(userId, roles)) ?? [];
    if (!items.length) return [];
    const now = this.#deps.clock.now().getTime();
    const blocks: Block[] = [{ type: 'header', text: `Emergency changes to review (${items.length})` }];
    for (const item of items.slice(0, MAX_REQUESTS)) {
      const overdue = item.dueAt.getTime() <= now ? t` ${emoji('red_circle')} ${bold('overdue')}` : '';
      blocks.push({
        type: 'text',
        text: t`${item.title} by ${mention(item.requester)} · due ${formatTime(item.dueAt)}${overdue}`,
      });
      if (item.acknowledge) {
        const { actionId, value } = item.acknowledge;
        blocks.push({ type: 'actions', buttons: [{ actionId, label: 'Acknowledge', value }] });
      }
    }
    return [...blocks, { type: 'divider' }];
  }

  async #follows(userId: string): Promise<Block[]> {
    const tails = (await this.#deps.tails.listTails({ states: ['running'] })).filter((x) => x.requester === userId);
    if (!tails.length) return [];
    const blocks: Block[] = [{ type: 'header', text: 'Your live log follows' }];
    for (const tail of tails.slice(0, MAX_REQUESTS)) {
      const text = t`${bold(`${tail.service} ${tail.env}`)}: ${tail.source}, until ${formatTime(tail.until)}`;
      blocks.push(
        { type: 'text', text },
        { type: 'actions', buttons: [{ actionId: ACTION_STOP, label: 'Stop', value: tail.id, style: 'danger' }] },
      );
    }
    return [...blocks, { type: 'divider' }];
  }

  /** Version, replicas, last change, lock and freeze of one target, each "unknown" when its backend is slow. */
  async #target({ service, env, verbs }: AllowedTarget): Promise<Text> {
    const { backends, requests, locks, clock, catalog } = this.#deps;
    const now = clock.now();
    const unknown = (err: unknown) => `unknown (${err instanceof Error ? err.message : String(err)})`;
    const version = this.#recent(`version ${service} ${env}`, () =>
      this.#bounded(backends.deployer(service)?.current({ service, env }))
        .then((v) => v?.description ?? 'unknown')
        .catch(unknown),
    );
    const replicas = this.#recent(`replicas ${service} ${env}`, () =>
      this.#bounded(backends.scaler(service)?.status({ service, env }))
        .then((s) => (s ? `${s.ready}/${s.replicas} ready` : undefined))
        .catch(unknown),
    );
    const [last] = await requests.listRequests({
      service,
      env,
      states: ENDED,
      kinds: CHANGE_KINDS,
      newestFirst: true,
      limit: 1,
    });
    const lock = await locks.getLock(service, env, now);
    const freeze = activeFreeze(catalog.environments[env]?.freezes, now);
    const lines: Text[] = [t`${bold(`${service} · ${env}`)}: running ${await version}`];
    const scale = await replicas;
    if (scale) lines.push(t`Replicas: ${scale}`);
    if (last) {
      const icon = last.state === 'succeeded' ? emoji('white_check_mark') : emoji('x');
      const summary = outcomeSummary(last);
      const title = envelopeOf(last).title;
      const ended = t`${icon} ${title} by ${mention(last.requester)}, ${formatTime(last.updatedAt)}, ${last.state}`;
      lines.push(t`Last change: ${ended}${summary ? t` (${summary})` : ''}`);
    }
    if (lock) lines.push(t`${emoji('lock')} Locked by ${mention(lock.owner)}: ${lock.reason}`);
    if (freeze) lines.push(t`${emoji('snowflake')} Frozen (${code(freeze.name)}) until ${formatTime(freeze.endsAt)}`);
    lines.push(t`You may: ${join(verbs.map(code), ' ')}`);
    return join(lines, '\n');
  }

  /**
   * One backend answer shared by every home drawn within a few seconds: a change refreshes many people's
   * homes at once, and each would otherwise ask the cluster the same thing.
   */
  #recent<T>(key: string, read: () => Promise<T>): Promise<T> {
    const now = this.#deps.clock.now().getTime();
    const kept = this.#answers.get(key);
    if (kept && now - kept.at < (this.#deps.shareMs ?? 3000)) return kept.value as Promise<T>;
    const value = read();
    this.#answers.set(key, { at: now, value });
    return value;
  }

  /** A backend answer within the time a home view can wait for it. */
  #bounded<T>(work: Promise<T> | undefined): Promise<T | undefined> {
    if (!work) return Promise.resolve(undefined);
    const ms = this.#deps.backendTimeoutMs ?? 2000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms);
      timer.unref?.();
    });
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  }
}
