interface Armed<S> {
  readonly spec: S;
  left: number;
}

/**
 * Failures armed by tests in an emulator: each fails `times` matching calls (default 1, `Infinity` until
 * disarmed), and the first armed failure that matches a call is used up by it.
 */
export class ArmedFailures<S extends { readonly times?: number }> {
  #armed: Armed<S>[] = [];

  /** Arms `spec`; the function returned disarms it. */
  add(spec: S): () => void {
    const armed: Armed<S> = { spec, left: spec.times ?? 1 };
    this.#armed.push(armed);
    return () => {
      this.#armed = this.#armed.filter((a) => a !== armed);
    };
  }

  /** The first armed failure `matches` accepts, one of its calls used up; undefined when none matches. */
  take(matches: (spec: S) => boolean): S | undefined {
    const hit = this.#armed.find(({ spec, left }) => left > 0 && matches(spec));
    if (!hit) return undefined;
    hit.left -= 1;
    if (hit.left <= 0) this.#armed = this.#armed.filter((a) => a !== hit);
    return hit.spec;
  }

  clear(): void {
    this.#armed = [];
  }
}
