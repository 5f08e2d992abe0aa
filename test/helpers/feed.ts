/** A growing list of things that arrive asynchronously, with ways to wait on it. */
export class Feed<T> {
  readonly items: T[] = [];
  readonly errors: unknown[] = [];
  done = false;
  private readonly listeners = new Set<() => void>();

  add(item: T): void {
    this.items.push(item);
    this.notify();
  }

  fail(error: unknown): void {
    this.errors.push(error);
    this.notify();
  }

  end(): void {
    this.done = true;
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private until<R>(check: () => R | undefined, timeoutMs: number, what: () => string): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const attempt = (): boolean => {
        let value: R | undefined;
        try {
          value = check();
        } catch (error) {
          finish();
          reject(error instanceof Error ? error : new Error(String(error)));
          return true;
        }
        if (value === undefined) return false;
        finish();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = () => void attempt();
      if (!attempt()) this.listeners.add(listener);
    });
  }

  private describe(): string {
    const shown = JSON.stringify(this.items.slice(-5));
    const errors = JSON.stringify(this.errors, (_key, value: unknown) =>
      value instanceof Error ? `${value.name}: ${value.message}` : value,
    );
    return `; have ${this.items.length} item(s) (last: ${shown.slice(0, 600)}), errors: ${errors.slice(0, 600)}, done: ${this.done}`;
  }

  /**
   * Resolves to the items once there are `n` of them (or `predicate(items)` holds);
   * rejects early if the feed errors or ends first, and after `timeoutMs`.
   */
  waitFor(condition: number | ((items: T[]) => boolean), timeoutMs = 5_000): Promise<T[]> {
    const met = typeof condition === 'number' ? (items: T[]) => items.length >= condition : condition;
    return this.until(
      () => {
        if (met(this.items)) return this.items;
        if (this.errors.length > 0 || this.done) {
          throw new Error(`feed stopped before the condition held${this.describe()}`);
        }
        return undefined;
      },
      timeoutMs,
      () => `${typeof condition === 'number' ? `${condition} item(s)` : 'a predicate'}${this.describe()}`,
    );
  }

  /** Resolves to the first error. */
  waitForError(timeoutMs = 5_000): Promise<unknown> {
    return this.until(
      () => (this.errors.length > 0 ? this.errors[0] : undefined),
      timeoutMs,
      () => `an error${this.describe()}`,
    );
  }

  /** Resolves once the feed has completed or errored. */
  waitForEnd(timeoutMs = 5_000): Promise<void> {
    return this.until(
      () => (this.done || this.errors.length > 0 ? (true as const) : undefined),
      timeoutMs,
      () => `the end${this.describe()}`,
    ).then(() => undefined);
  }
}
