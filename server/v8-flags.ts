import v8 from 'node:v8';

/**
 * V8 tuning for this server, applied before it starts (`main.ts` imports this first).
 *
 * Allocation-site pretenuring: V8 allocates objects straight into the old generation
 * when their allocation site looked long-lived at a young-generation GC. It misjudges
 * node-postgres' query results (a result is alive across the await in which a GC
 * happens to fall), and rows then pushed into an old result array keep every later
 * row alive until a full GC: a bare `pg` client reading 51-row pages promoted
 * 3-4 MB at each scavenge and paused 7-13 ms, against nothing and 0.6 ms without it.
 * This server's long-lived objects (sockets, subscribers, caches) are few and small.
 */
v8.setFlagsFromString('--no-allocation-site-pretenuring');
