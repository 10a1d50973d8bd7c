/** One line a container wrote, with the time the runtime recorded it. */
export interface LogEntry {
  at: number;
  text: string;
}

interface Follower {
  onEntry: (entry: LogEntry) => void;
  onEnd: () => void;
}

/** Per-container log buffers (bounded, like a node's rotated log file) and live followers. */
export class PodLogs {
  readonly #buffers = new Map<string, LogEntry[]>();
  readonly #followers = new Map<string, Set<Follower>>();
  readonly #limit: number;

  constructor(limit = 2000) {
    this.#limit = limit;
  }

  append(namespace: string, pod: string, container: string, entry: LogEntry): void {
    const id = key(namespace, pod, container);
    const buffer = this.#buffers.get(id) ?? [];
    buffer.push(entry);
    if (buffer.length > this.#limit) buffer.splice(0, buffer.length - this.#limit);
    this.#buffers.set(id, buffer);
    for (const follower of this.#followers.get(id) ?? []) follower.onEntry(entry);
  }

  read(namespace: string, pod: string, container: string): LogEntry[] {
    return [...(this.#buffers.get(key(namespace, pod, container)) ?? [])];
  }

  follow(namespace: string, pod: string, container: string, follower: Follower): () => void {
    const id = key(namespace, pod, container);
    const followers = this.#followers.get(id) ?? new Set();
    followers.add(follower);
    this.#followers.set(id, followers);
    return () => followers.delete(follower);
  }

  /** The pod is gone: its logs go with it and follow streams end, as they do when a container exits. */
  podGone(namespace: string, pod: string): void {
    const prefix = key(namespace, pod, '');
    for (const id of [...this.#buffers.keys()]) if (id.startsWith(prefix)) this.#buffers.delete(id);
    for (const [id, followers] of [...this.#followers]) {
      if (!id.startsWith(prefix)) continue;
      this.#followers.delete(id);
      for (const follower of followers) follower.onEnd();
    }
  }
}

function key(namespace: string, pod: string, container: string): string {
  return `${namespace}/${pod}/${container}`;
}
