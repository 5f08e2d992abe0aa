/**
 * A Map that holds at most `max` entries: setting a key puts it last, and setting one
 * past the bound forgets the entry set longest ago. For caches whose bound is a safety
 * net, not a working-set policy.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    this.delete(key);
    if (this.size >= this.max) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }
}

/** A BoundedMap whose entries are believed for `ttlMs` after they were set. */
export class ExpiringMap<K, V> {
  private readonly entries: BoundedMap<K, { value: V; until: number }>;

  constructor(
    max: number,
    private readonly ttlMs: number,
  ) {
    this.entries = new BoundedMap(max);
  }

  /** The value set for `key` less than `ttlMs` ago. */
  get(key: K, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.until > now ? entry.value : undefined;
  }

  set(key: K, value: V, now = Date.now()): void {
    this.entries.set(key, { value, until: now + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Forgets every entry whose key `matches`. */
  deleteWhere(matches: (key: K) => boolean): void {
    for (const key of [...this.entries.keys()]) if (matches(key)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
