import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, notFound, type ResourceRef } from './api-error.ts';
import { storageType } from './resources.ts';
import type { KubeObject } from './types.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  storage: string;
  resourceVersion: number;
  object: KubeObject;
  /** The object before a modification; watchers with selectors need it to turn edits into ADDED/DELETED. */
  previous?: KubeObject;
}

export interface WriteOptions {
  /** Server-side dry run (`?dryRun=All`): every check runs, nothing is stored. */
  dryRun?: boolean;
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function timestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * An etcd-like object store: one cluster-wide resourceVersion counter, optimistic concurrency on writes and a
 * bounded event history so watches can resume from a resourceVersion.
 */
export class ObjectStore {
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #listeners = new Set<(event: StoreEvent) => void>();
  readonly #history: StoreEvent[] = [];
  readonly #historyLimit: number;
  readonly #now: () => number;
  #revision = 0;

  constructor(now: () => number, historyLimit = 5000) {
    this.#now = now;
    this.#historyLimit = historyLimit;
  }

  get resourceVersion(): string {
    return String(this.#revision);
  }

  get<T extends KubeObject>(storage: string, namespace: string | undefined, name: string): T | undefined {
    const found = this.#bucket(storage).get(key(namespace, name));
    return found ? (structuredClone(found) as T) : undefined;
  }

  /** Like get, but a missing object is the API's 404. */
  require<T extends KubeObject>(storage: string, namespace: string | undefined, name: string): T {
    const found = this.get<T>(storage, namespace, name);
    if (!found) throw notFound(refOf(storage, name));
    return found;
  }

  list<T extends KubeObject>(storage: string, namespace?: string): T[] {
    return [...this.#bucket(storage).values()]
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .sort((a, b) =>
        key(a.metadata.namespace, a.metadata.name).localeCompare(key(b.metadata.namespace, b.metadata.name)),
      )
      .map((o) => structuredClone(o) as T);
  }

  create<T extends KubeObject>(storage: string, object: T, options: WriteOptions = {}): T {
    const bucket = this.#bucket(storage);
    const id = key(object.metadata.namespace, object.metadata.name);
    if (bucket.has(id)) throw alreadyExists(refOf(storage, object.metadata.name));
    const stored = structuredClone(object);
    stored.metadata.uid = randomUUID();
    stored.metadata.creationTimestamp = timestamp(this.#now());
    if ('spec' in stored) stored.metadata.generation = 1;
    return this.#commit(storage, 'ADDED', stored, undefined, options);
  }

  /**
   * Replaces an existing object. A resourceVersion on the new object must match the stored one (optimistic
   * concurrency); identity fields are kept and the generation moves only when the spec changed.
   */
  update<T extends KubeObject>(storage: string, object: T, options: WriteOptions = {}): T {
    const id = key(object.metadata.namespace, object.metadata.name);
    const current = this.#bucket(storage).get(id);
    if (!current) throw notFound(refOf(storage, object.metadata.name));
    const expected = object.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion) throw conflict(refOf(storage, object.metadata.name));
    const stored = structuredClone(object);
    stored.metadata.uid = current.metadata.uid;
    stored.metadata.creationTimestamp = current.metadata.creationTimestamp;
    const specChanged = JSON.stringify(stored.spec) !== JSON.stringify(current.spec);
    const generation = current.metadata.generation;
    if (generation !== undefined) stored.metadata.generation = specChanged ? generation + 1 : generation;
    stored.metadata.resourceVersion = current.metadata.resourceVersion;
    // A write that changes nothing is not a new version, as in kube-apiserver.
    if (JSON.stringify(stored) === JSON.stringify(current)) return structuredClone(current) as T;
    return this.#commit(storage, 'MODIFIED', stored, current, options);
  }

  delete(storage: string, namespace: string | undefined, name: string): void {
    const bucket = this.#bucket(storage);
    const current = bucket.get(key(namespace, name));
    if (!current) throw notFound(refOf(storage, name));
    bucket.delete(key(namespace, name));
    this.#revision += 1;
    const object = structuredClone(current);
    object.metadata.resourceVersion = String(this.#revision);
    this.#publish({ type: 'DELETED', storage, resourceVersion: this.#revision, object, previous: current });
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Events after `resourceVersion`, or undefined when history no longer reaches back that far. */
  eventsSince(resourceVersion: number): StoreEvent[] | undefined {
    const oldest = this.#history[0]?.resourceVersion ?? this.#revision + 1;
    if (resourceVersion < oldest - 1) return undefined;
    return this.#history.filter((e) => e.resourceVersion > resourceVersion).map((e) => structuredClone(e));
  }

  /** Deletes every object, with DELETED events, so watchers and log followers see the cluster empty out. */
  clear(): void {
    for (const [storage, bucket] of this.#objects) {
      for (const object of [...bucket.values()]) this.delete(storage, object.metadata.namespace, object.metadata.name);
    }
  }

  #commit<T extends KubeObject>(
    storage: string,
    type: WatchEventType,
    stored: T,
    previous: KubeObject | undefined,
    options: WriteOptions,
  ): T {
    if (options.dryRun) return stored;
    this.#revision += 1;
    stored.metadata.resourceVersion = String(this.#revision);
    this.#bucket(storage).set(key(stored.metadata.namespace, stored.metadata.name), stored);
    this.#publish({
      type,
      storage,
      resourceVersion: this.#revision,
      object: structuredClone(stored),
      ...(previous ? { previous: structuredClone(previous) } : {}),
    });
    return structuredClone(stored);
  }

  #publish(event: StoreEvent): void {
    this.#history.push(event);
    if (this.#history.length > this.#historyLimit) this.#history.shift();
    for (const listener of this.#listeners) listener(event);
  }

  #bucket(storage: string): Map<string, KubeObject> {
    let bucket = this.#objects.get(storage);
    if (!bucket) {
      bucket = new Map();
      this.#objects.set(storage, bucket);
    }
    return bucket;
  }
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function refOf(storage: string, name: string): ResourceRef {
  return { group: storageType(storage).group, resource: storageType(storage).plural, name };
}
