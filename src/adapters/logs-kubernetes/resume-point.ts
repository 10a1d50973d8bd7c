import { compareStamps, type LogLine, type Stamp } from './log-line.ts';

/**
 * Where one pod's stream got to, so a reconnect resumes there without repeating a line. The reconnect asks
 * from the whole second of the newest line seen (`sinceTime` has second precision on the way to the kubelet),
 * then skips lines older than that line, and at its exact timestamp skips as many copies of each text as
 * were already seen.
 */
export class ResumePoint {
  #newest: Stamp | undefined;
  /** Texts seen at `#newest`, with how often. */
  #atNewest = new Map<string, number>();
  /** While replaying after a reconnect: what is still to be skipped at `#newest`. */
  #replay: Map<string, number> | undefined;

  /** The epoch ms to ask from: `since` at first, then the newest line seen. */
  from(since: number): number {
    return this.#newest?.ms ?? since;
  }

  /** A new connection: lines up to the newest seen come again. */
  reconnected(): void {
    this.#replay = this.#newest ? new Map(this.#atNewest) : undefined;
  }

  /** False when the line was seen before; otherwise records it. */
  accept(line: LogLine): boolean {
    const newest = this.#newest;
    const order = newest ? compareStamps(line.stamp, newest) : 1;
    if (this.#replay) {
      if (order < 0) return false;
      const left = order === 0 ? (this.#replay.get(line.text) ?? 0) : 0;
      if (left > 0) {
        this.#replay.set(line.text, left - 1);
        return false;
      }
      if (order > 0) this.#replay = undefined;
    }
    if (order > 0) {
      this.#newest = line.stamp;
      this.#atNewest = new Map();
    }
    // An older line in a live stream (rare clock skew between stdout and stderr) is still new: deliver it.
    if (order >= 0) this.#atNewest.set(line.text, (this.#atNewest.get(line.text) ?? 0) + 1);
    return true;
  }
}
