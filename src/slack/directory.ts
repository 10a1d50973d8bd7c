import type { WebClient } from '@slack/web-api';
import type { Clock } from '../ports/clock.ts';
import { DirectoryUnavailable, type Directory } from '../ports/directory.ts';
import type { Logger } from '../ports/logger.ts';

interface Cached<T> {
  value: T;
  fetchedAt: number;
}

/**
 * User group membership from Slack (`usergroups.list` + `usergroups.users.list`, scope
 * usergroups:read), cached for `ttlMs`. When Slack fails, the last known membership is used;
 * with none, the lookup fails as unavailable, so an outage can only deny, and says why.
 */
export class SlackDirectory implements Directory {
  readonly #client: WebClient;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #log: Logger;
  #groups: Cached<Map<string, string>> | undefined;
  readonly #members = new Map<string, Cached<ReadonlySet<string>>>();
  readonly #pending = new Map<string, Promise<ReadonlySet<string>>>();

  constructor(client: WebClient, options: { ttlMs: number; clock: Clock; log: Logger }) {
    this.#client = client;
    this.#ttlMs = options.ttlMs;
    this.#clock = options.clock;
    this.#log = options.log;
  }

  async groupMembers(handle: string): Promise<ReadonlySet<string>> {
    const cached = this.#members.get(handle);
    if (cached && this.#fresh(cached)) return cached.value;
    const pending = this.#pending.get(handle);
    if (pending) return pending;
    const lookup = this.#refresh(handle, cached).finally(() => this.#pending.delete(handle));
    this.#pending.set(handle, lookup);
    return lookup;
  }

  async groupId(handle: string): Promise<string | undefined> {
    try {
      return (await this.#groupIds()).get(handle);
    } catch (err) {
      this.#log.warn({ err, handle }, 'Slack user group lookup failed');
      return this.#groups?.value.get(handle);
    }
  }

  async #refresh(handle: string, stale: Cached<ReadonlySet<string>> | undefined): Promise<ReadonlySet<string>> {
    try {
      const id = (await this.#groupIds()).get(handle);
      if (!id) {
        this.#log.warn({ handle }, 'user group not found in Slack; it grants nothing');
        return this.#store(handle, new Set());
      }
      const res = await this.#client.usergroups.users.list({ usergroup: id });
      return this.#store(handle, new Set(res.users ?? []));
    } catch (err) {
      if (stale) {
        this.#log.warn({ err, handle }, 'Slack user group lookup failed; using the last known members');
        return stale.value;
      }
      this.#log.error(
        { err, handle },
        'Slack user group lookup failed and nothing is cached; the group grants nothing',
      );
      throw new DirectoryUnavailable(handle, { cause: err });
    }
  }

  async #groupIds(): Promise<Map<string, string>> {
    if (this.#groups && this.#fresh(this.#groups)) return this.#groups.value;
    const res = await this.#client.usergroups.list({ include_disabled: false });
    const ids = new Map((res.usergroups ?? []).flatMap((g) => (g.handle && g.id ? [[g.handle, g.id] as const] : [])));
    this.#groups = { value: ids, fetchedAt: this.#clock.now().getTime() };
    return ids;
  }

  #store(handle: string, members: ReadonlySet<string>): ReadonlySet<string> {
    this.#members.set(handle, { value: members, fetchedAt: this.#clock.now().getTime() });
    return members;
  }

  #fresh(entry: Cached<unknown>): boolean {
    return this.#clock.now().getTime() - entry.fetchedAt < this.#ttlMs;
  }
}
