import { createHash } from 'node:crypto';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { LeaseStore } from '../../ports/store.ts';
import type { JoinResult, LiveScope, LiveViewer } from './live-tail-hub.ts';
import { HeldLease } from '../shared-upstreams/held-lease.ts';
import { presence, type UpstreamRedis } from '../shared-upstreams/redis.ts';
import { Rounds } from '../shared-upstreams/rounds.ts';
import type { LiveTailMessage, LiveTailNews } from './live-tail-news.ts';
import { Upstream, type UpstreamOptions } from './live-tail-upstream.ts';

export interface LiveTailClusterOptions {
  redis: UpstreamRedis;
  leases: LeaseStore;
  /** This process, as the holder of scope and slot leases and as a viewer in Redis. */
  holder: string;
  /** Prefix of the Redis keys and channels; replicas of one bot share it. */
  prefix: string;
  /** The AWS account and region the client reads: the cap's slots and the scopes are named for it. */
  capScope: string;
  /** How long an owner's leases and a replica's presence last unless renewed (every third of it). */
  leaseMs: number;
  clock: Clock;
}

interface ClusterContext extends LiveTailClusterOptions {
  upstream: UpstreamOptions;
  maxSessions: number;
  log: Logger;
}

/**
 * Live Tail sessions shared by every replica through the store and Redis. The replica holding a scope's lease
 * owns its one session and publishes what it reads on the scope's Redis channel; the others subscribe. Each
 * replica following a scope records its number of follows in Redis, renewed every third of `leaseMs`, so the
 * owner closes the session when no replica has a follow left, and a replica that stopped without saying so
 * drops out. An owner that stops renewing loses its lease, and a replica with follows takes it and opens a
 * session of its own. The cap is `maxSessions` numbered slot leases per account and region.
 */
export class LiveTailCluster {
  readonly #context: ClusterContext;
  readonly #scopes = new Map<string, ClusterScope>();

  constructor(context: ClusterContext) {
    this.#context = context;
    context.redis.subscriber.on('message', (channel: string, text: string) => {
      this.#scopes.get(channel)?.receive(text);
    });
  }

  /** Sessions this replica owns now. */
  get owned(): number {
    let owned = 0;
    for (const scope of this.#scopes.values()) if (scope.owning) owned += 1;
    return owned;
  }

  /** Joins the scope's shared session; undefined when Redis could not be reached, to share it in-process. */
  async join(scope: LiveScope, viewer: LiveViewer): Promise<JoinResult | undefined> {
    const { prefix, capScope } = this.#context;
    const key = JSON.stringify([capScope, scope.env, scope.group, scope.filterPattern ?? '', scope.streamPrefix ?? '']);
    const channel = `${prefix}livetail:${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
    let entry = this.#scopes.get(channel);
    if (!entry) {
      entry = new ClusterScope(this.#context, channel, scope, () => this.#scopes.delete(channel));
      this.#scopes.set(channel, entry);
    }
    let ready: true | string;
    try {
      ready = await entry.ready;
    } catch (err) {
      this.#context.log.warn({ err }, 'Redis is unreachable: this follow shares a Live Tail session in-process only');
      return undefined;
    }
    if (ready !== true) return { joined: false, reason: ready };
    if (entry.closed) return this.join(scope, viewer);
    const joined = entry;
    joined.viewers.add(viewer);
    return { joined: true, viewers: joined.others + joined.viewers.size, leave: () => joined.leave(viewer) };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#scopes.values()].map((scope) => scope.close()));
    this.#context.redis.client.disconnect();
    this.#context.redis.subscriber.disconnect();
  }
}

class ClusterScope {
  readonly viewers = new Set<LiveViewer>();
  /** `true` once subscribed and counted, with a session owned here or elsewhere; else why not. */
  readonly ready: Promise<true | string>;
  /** Follows of the scope on the other replicas, as last counted. */
  others = 0;
  readonly #context: ClusterContext;
  readonly #channel: string;
  readonly #scope: LiveScope;
  readonly #forget: () => void;
  readonly #stop = new AbortController();
  readonly #rounds: Rounds;
  #upstream: Upstream | undefined;
  #lease: HeldLease | undefined;
  #slot: HeldLease | undefined;
  #closed = false;

  constructor(context: ClusterContext, channel: string, scope: LiveScope, forget: () => void) {
    this.#context = context;
    this.#channel = channel;
    this.#scope = scope;
    this.#forget = forget;
    this.#rounds = new Rounds({
      ...context,
      signal: this.#stop.signal,
      round: () => this.#round(),
      what: 'a shared Live Tail session',
    });
    this.ready = this.#start();
  }

  get closed(): boolean {
    return this.#closed;
  }

  get owning(): boolean {
    return this.#upstream !== undefined;
  }

  leave(viewer: LiveViewer): void {
    this.viewers.delete(viewer);
    if (this.viewers.size === 0) void this.#rounds.queue();
  }

  /** A message on the scope's channel: from the owner, unless this replica owns the session itself. */
  receive(text: string): void {
    const message = JSON.parse(text) as LiveTailMessage;
    if (message.from === this.#context.holder || this.#upstream) return;
    if (message.kind === 'events') for (const viewer of this.viewers) viewer.deliver(message.events);
    else if (message.kind === 'sampled') {
      for (const viewer of this.viewers) viewer.sampled(message.sampled, message.measured);
    } else for (const viewer of this.viewers) viewer.ended(message.reason);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    // Sent before the scope is forgotten: a follow joining next makes a new entry, whose subscription and
    // count must reach Redis after these, on the same connections.
    const { redis } = this.#context;
    const gone = Promise.all([redis.subscriber.unsubscribe(this.#channel), this.#present(0)]).catch(() => undefined);
    this.#forget();
    await this.#disown();
    await gone;
  }

  async #start(): Promise<true | string> {
    try {
      // Subscribed before counted: an owner that sees this replica's follow has it listening already.
      await this.#context.redis.subscriber.subscribe(this.#channel);
      this.others = await this.#present(1);
      const owned = await this.#own();
      if (typeof owned === 'string') {
        await this.close();
        return owned;
      }
    } catch (err) {
      await this.close();
      throw err;
    }
    this.#rounds.start();
    return true;
  }

  async #round(): Promise<void> {
    if (this.#closed) return;
    let others: number | undefined;
    try {
      others = await this.#present(this.viewers.size);
      this.others = others;
    } catch (err) {
      this.#context.log.warn({ err }, 'could not count the follows of a shared Live Tail session in Redis');
    }
    if (this.#upstream) {
      if (!(await this.#renew())) {
        this.#context.log.warn({ group: this.#scope.group }, 'lost the lease of a Live Tail session to a replica');
        await this.#disown();
      } else if (this.viewers.size === 0 && (others ?? 0) === 0) await this.#disown();
    } else if (this.viewers.size > 0) {
      if (others === undefined) {
        this.#end('Redis, through which the replica that owns the Live Tail session shares it, is unreachable');
      } else {
        const owned = await this.#own();
        if (typeof owned === 'string') this.#end(owned);
      }
    }
    if (!this.#upstream && this.viewers.size === 0) await this.close();
  }

  /** Takes the scope's lease, a slot under the cap and a session: true, undefined when another owns it. */
  async #own(): Promise<true | string | undefined> {
    const { upstream: options, maxSessions } = this.#context;
    const lease = await HeldLease.acquire(this.#context, this.#channel);
    if (!lease) return undefined;
    const slot = await this.#takeSlot();
    if (!slot) {
      await lease.release();
      return (
        `all ${maxSessions} Live Tail sessions opsdeck may hold for this AWS account and region are in use ` +
        'across its replicas'
      );
    }
    const upstream = new Upstream(options, this.#scope, () => undefined);
    upstream.viewers.add(this.#relay);
    this.#upstream = upstream;
    this.#lease = lease;
    this.#slot = slot;
    const started = await upstream.started;
    if (started === true) return true;
    await this.#disown();
    return started;
  }

  async #takeSlot(): Promise<HeldLease | undefined> {
    const { capScope, maxSessions } = this.#context;
    for (let i = 0; i < maxSessions; i += 1) {
      const slot = await HeldLease.acquire(this.#context, `livetail-slot:${capScope}:${i}`);
      if (slot) return slot;
    }
    return undefined;
  }

  async #renew(): Promise<boolean> {
    if (!this.#lease || !this.#slot) return false;
    return (await this.#lease.renew()) && (await this.#slot.renew());
  }

  /** Closes the session owned here, if any, and gives its leases up for another replica to take at once. */
  async #disown(): Promise<void> {
    const upstream = this.#upstream;
    const lease = this.#lease;
    const slot = this.#slot;
    this.#upstream = undefined;
    this.#lease = undefined;
    this.#slot = undefined;
    upstream?.leave(this.#relay);
    await lease?.release();
    await slot?.release();
  }

  #end(reason: string): void {
    for (const viewer of [...this.viewers]) viewer.ended(reason);
  }

  #present(count: number): Promise<number> {
    const { redis, holder, leaseMs } = this.#context;
    return presence(redis, this.#channel, holder, count, leaseMs);
  }

  #publish(message: LiveTailNews): void {
    const text = JSON.stringify({ ...message, from: this.#context.holder });
    this.#context.redis.client.publish(this.#channel, text).catch((err: unknown) => {
      this.#context.log.warn({ err }, 'could not publish Live Tail events to the other replicas');
    });
  }

  /** The one viewer of the session owned here: this replica's follows, and the others' through Redis. */
  readonly #relay: LiveViewer = {
    deliver: (events) => {
      for (const viewer of this.viewers) viewer.deliver(events);
      this.#publish({ kind: 'events', events });
    },
    sampled: (sampled, measured) => {
      for (const viewer of this.viewers) viewer.sampled(sampled, measured);
      this.#publish({ kind: 'sampled', sampled, measured });
    },
    ended: (reason) => {
      this.#publish({ kind: 'ended', reason });
      this.#end(reason);
      void this.#disown();
    },
  };
}
