/**
 * The seam between replaying what a subscriber missed (`after`) and going live, the one
 * place both the fan-out and a subscriber's own stream (SSE) keep it. Live values that
 * arrive while the replay runs are held; once the replay has sent everything the store
 * had, those past the last position sent follow, and anything at or below it is a
 * duplicate. The live stream is heard from before the replay's first read, so there is
 * no gap either.
 *
 * A class to extend rather than an object to hold: an idle fan-out subscriber is one
 * object, and the seam's two fields are all it needs of it.
 */
export class ReplaySeam<P> {
  /** Position (in its feed) of the last value sent. */
  last: number;
  /** Live values that arrived while replaying; null once live. */
  private held: { position: number; item: P }[] | null;

  constructor(after: number | null) {
    this.last = after ?? 0;
    this.held = after === null ? null : [];
  }

  /**
   * A live value at `position`: true when it is to be sent now (it is new and the replay
   * is over), after which it counts as sent; held while replaying.
   */
  accept(position: number, item: P): boolean {
    if (this.held) {
      this.held.push({ position, item });
      return false;
    }
    if (position <= this.last) return false;
    this.last = position;
    return true;
  }

  /** A replayed value at `position` was sent. */
  replayed(position: number): void {
    this.last = position;
  }

  /**
   * The replay is over: sends what was held past the last position, and from now on
   * live values go straight through. Call it with no await since the replay's last
   * read, so no live value slips between the two.
   */
  goLive(send: (item: P) => void): void {
    const held = this.held ?? [];
    this.held = null;
    for (const { position, item } of held) {
      if (position <= this.last) continue;
      this.last = position;
      send(item);
    }
  }
}
