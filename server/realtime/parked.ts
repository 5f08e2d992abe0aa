import type { SocketCloseWatcher } from './socket-close.js';

const DONE: IteratorResult<never> = Object.freeze({ done: true, value: undefined });

// TypeScript's mixins take a constructor of `any[]`, nothing narrower.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor = abstract new (...args: any[]) => object;

/**
 * The iterator graphql-ws holds for a subscription whose frames are written elsewhere
 * (the fan-out, the sidebars): it never yields, and ends on `return()` (the client
 * completed or left), on `end()` (the server ended it) or when its socket closes. A
 * mixin, so that a subscriber is still one object whatever else it is (a replay seam).
 */
export function Parked<B extends Constructor>(Base: B) {
  abstract class ParkedIterator extends Base implements AsyncIterableIterator<never>, SocketCloseWatcher {
    closed = false;
    parkedUntil: Promise<IteratorResult<never>> | undefined = undefined;
    unpark: ((result: IteratorResult<never>) => void) | undefined = undefined;

    /** Stops its delivery; once (`closed` says it has). */
    abstract leave(): void;

    socketClosed(): void {
      this.leave();
    }

    /** The server ends it: graphql-ws then sends `complete`. */
    end(): void {
      this.leave();
      this.unpark?.(DONE);
      this.parkedUntil ??= Promise.resolve(DONE);
    }

    next(): Promise<IteratorResult<never>> {
      return (this.parkedUntil ??= new Promise((resolve) => (this.unpark = resolve)));
    }

    async return(): Promise<IteratorResult<never>> {
      this.leave();
      this.unpark?.(DONE);
      return DONE;
    }

    async throw(error: unknown): Promise<IteratorResult<never>> {
      await this.return();
      throw error;
    }

    [Symbol.asyncIterator](): this {
      return this;
    }
  }
  return ParkedIterator;
}
