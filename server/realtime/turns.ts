/**
 * Work that takes turns with the rest of the event loop: at most `perTurn` waiters go on
 * in each turn, in the order they asked, and the others wait for the next. Each waiter
 * does one bounded step when let through, then asks again.
 */
export class Turns {
  private queue: (() => void)[] = [];
  private head = 0;
  private scheduled = false;

  constructor(private readonly perTurn: number) {
    if (!(perTurn >= 1)) throw new RangeError(`Turns needs perTurn >= 1; got ${perTurn}`);
  }

  /** Resolves when it is the caller's turn. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push(resolve);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.run);
      }
    });
  }

  /** Callers waiting for a turn. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const end = Math.min(this.queue.length, this.head + this.perTurn);
    const due = this.queue.slice(this.head, end);
    this.head = end;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.waiting > 0) {
      this.scheduled = true;
      setImmediate(this.run);
    }
    for (const resolve of due) resolve();
  };
}
