import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PRESENCE_HEARTBEAT_MS, PRESENCE_TTL_MS } from '../limits.js';
import type { PubSub } from '../pubsub/index.js';
import type { Store, UserRow } from '../store/index.js';
import { CountingPresence, byName } from './tracker.js';

/**
 * Presence for several nodes, kept in Redis:
 *
 * - `presence:node:<room>:<user>`, a sorted set of the nodes holding a subscription of
 *   the user's to the room, each scored with the time its claim runs out;
 * - `presence:room:<room>`, a sorted set of the room's users, scored with the latest of
 *   their nodes' claims: who is online is who scores in the future;
 * - `presence:rooms`, the rooms to sweep.
 *
 * Every key expires on its own once no node renews it, so a cluster that stops leaves
 * nothing behind in Redis.
 *
 * Every node renews its claims every PRESENCE_HEARTBEAT_MS to PRESENCE_TTL_MS ahead, and
 * sweeps users whose claims all ran out (their node died), announcing them offline. The
 * scripts run atomically and read Redis's clock, so nodes with skewed clocks agree and
 * exactly one node announces each arrival and departure.
 */

const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
/** The room key outlives its members' claims long enough for a sweep to see them run out. */
const ROOM_KEY_TTL_MS = PRESENCE_TTL_MS + 4 * PRESENCE_HEARTBEAT_MS;

/** KEYS: rooms, room, node set. ARGV: room id, user id, node id. Returns 1 when the user was not online. */
const ENTER = `${NOW}
local until_ = now + ${PRESENCE_TTL_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local others = redis.call('ZCARD', KEYS[3])
redis.call('ZADD', KEYS[3], until_, ARGV[3])
redis.call('PEXPIRE', KEYS[3], ${PRESENCE_TTL_MS})
local score = redis.call('ZSCORE', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[2], 'GT', until_, ARGV[2])
redis.call('PEXPIRE', KEYS[2], ${ROOM_KEY_TTL_MS})
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ${ROOM_KEY_TTL_MS})
if others == 0 and (not score or tonumber(score) <= now) then return 1 end
return 0`;

/** KEYS: room, node set. ARGV: user id, node id. Returns 1 when the user is now offline. */
const LEAVE = `${NOW}
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
return redis.call('ZREM', KEYS[1], ARGV[1])`;

/** KEYS: rooms, then room and node set per claim. ARGV: node id, then room id and user id per claim. */
const RENEW = `${NOW}
local until_ = now + ${PRESENCE_TTL_MS}
for i = 2, #KEYS, 2 do
  local room, user = ARGV[i], ARGV[i + 1]
  redis.call('ZADD', KEYS[i + 1], until_, ARGV[1])
  redis.call('PEXPIRE', KEYS[i + 1], ${PRESENCE_TTL_MS})
  redis.call('ZADD', KEYS[i], 'GT', until_, user)
  redis.call('PEXPIRE', KEYS[i], ${ROOM_KEY_TTL_MS})
  redis.call('SADD', KEYS[1], room)
end
redis.call('PEXPIRE', KEYS[1], ${ROOM_KEY_TTL_MS})
return 0`;

/** KEYS: rooms. ARGV: the room key prefix. Returns room id, user id pairs whose claims all ran out. */
const SWEEP = `${NOW}
local gone = {}
for _, room in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. room
  for _, user in ipairs(redis.call('ZRANGEBYSCORE', key, '-inf', now)) do
    table.insert(gone, room)
    table.insert(gone, user)
  end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('EXISTS', key) == 0 then redis.call('SREM', KEYS[1], room) end
end
return gone`;

/**
 * KEYS: room. ARGV: how many at most (0: all). Returns the ids of users online in it: a
 * page of a room of thousands costs a range read of its length, not the whole set.
 */
const ONLINE = `${NOW}
local first = tonumber(ARGV[1])
if first > 0 then return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf', 'LIMIT', 0, first) end
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')`;

/** KEYS: room. ARGV: user ids. Returns those of them online in it. */
const ONLINE_AMONG = `${NOW}
local found = {}
for _, user in ipairs(ARGV) do
  local until_ = redis.call('ZSCORE', KEYS[1], user)
  if until_ and tonumber(until_) > now then table.insert(found, user) end
end
return found`;

/** KEYS: room. Returns how many users are online in it. */
const COUNT = `${NOW}
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')`;

/**
 * KEYS: room, version counter. Returns the room's count and a version read in the same
 * step, so a count of a higher version is never older: Redis's clock in milliseconds,
 * times a thousand, plus a counter for counts within one millisecond.
 */
const COUNTED = `${NOW}
local n = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], 1000)
return { redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf'), now * 1000 + (n % 1000) }`;

/** Claims renewed per script call, so one call never holds Redis for long. */
const RENEW_BATCH = 500;

type Scripted = Redis & {
  parleyPresenceEnter(rooms: string, room: string, nodes: string, ...args: string[]): Promise<number>;
  parleyPresenceLeave(room: string, nodes: string, ...args: string[]): Promise<number>;
  parleyPresenceRenew(numKeys: number, ...keysAndArgs: string[]): Promise<number>;
  parleyPresenceSweep(rooms: string, roomPrefix: string): Promise<string[]>;
  parleyPresenceOnline(room: string, first: string): Promise<string[]>;
  parleyPresenceOnlineAmong(room: string, ...userIds: string[]): Promise<string[]>;
  parleyPresenceCount(room: string): Promise<number>;
  parleyPresenceCounted(room: string, version: string): Promise<[number, number]>;
};

export class RedisPresence extends CountingPresence {
  private readonly node = randomUUID();
  private readonly redis: Scripted;
  private readonly timer: NodeJS.Timeout;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly keys: {
    rooms: string;
    room: (id: string) => string;
    nodes: (room: string, user: string) => string;
    version: (room: string) => string;
  };

  constructor(
    redis: Redis,
    prefix: string,
    private readonly store: Store,
    pubsub: PubSub,
    onError: (error: unknown) => void,
  ) {
    super(pubsub, onError);
    redis.defineCommand('parleyPresenceEnter', { numberOfKeys: 3, lua: ENTER });
    redis.defineCommand('parleyPresenceLeave', { numberOfKeys: 2, lua: LEAVE });
    redis.defineCommand('parleyPresenceRenew', { lua: RENEW });
    redis.defineCommand('parleyPresenceSweep', { numberOfKeys: 1, lua: SWEEP });
    redis.defineCommand('parleyPresenceOnline', { numberOfKeys: 1, lua: ONLINE });
    redis.defineCommand('parleyPresenceOnlineAmong', { numberOfKeys: 1, lua: ONLINE_AMONG });
    redis.defineCommand('parleyPresenceCount', { numberOfKeys: 1, lua: COUNT });
    redis.defineCommand('parleyPresenceCounted', { numberOfKeys: 2, lua: COUNTED });
    this.redis = redis as Scripted;
    const roomPrefix = `${prefix}presence:room:`;
    this.keys = {
      rooms: `${prefix}presence:rooms`,
      room: (id) => roomPrefix + id,
      nodes: (room, user) => `${prefix}presence:node:${room}:${user}`,
      version: (room) => `${prefix}presence:version:${room}`,
    };
    this.timer = setInterval(() => this.track(this.heartbeat(roomPrefix)), PRESENCE_HEARTBEAT_MS);
    this.timer.unref();
    // Connected again ('ready' after the first connection): a Redis that restarted has
    // lost every claim, so this node's users would look offline until the next
    // heartbeat. Renew them at once.
    redis.on('ready', () => this.track(this.heartbeat(roomPrefix)));
  }

  /** Keeps `work` until it settles, so `close` can wait for it; reports its failure. */
  private track(work: Promise<unknown>): void {
    const tracked = work.catch(this.onError).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  // Both are sent in call order on one connection, so a quick enter-then-leave reaches
  // Redis in that order; the announcements follow the scripts' answers in the same order.
  protected arrived(roomId: string, user: UserRow): void {
    const { rooms, room, nodes } = this.keys;
    this.track(
      this.redis
        .parleyPresenceEnter(rooms, room(roomId), nodes(roomId, user.id), roomId, user.id, this.node)
        .then((first) => (first === 1 ? this.announce(roomId, user, true) : undefined)),
    );
  }

  protected departed(roomId: string, user: UserRow): void {
    const { room, nodes } = this.keys;
    this.track(
      this.redis
        .parleyPresenceLeave(room(roomId), nodes(roomId, user.id), user.id, this.node)
        .then((last) => (last === 1 ? this.announce(roomId, user, false) : undefined)),
    );
  }

  private async heartbeat(roomPrefix: string): Promise<void> {
    const claims = [...this.rooms].flatMap(([roomId, users]) => [...users.keys()].map((userId) => [roomId, userId]));
    for (let i = 0; i < claims.length; i += RENEW_BATCH) {
      const batch = claims.slice(i, i + RENEW_BATCH);
      const keys = [this.keys.rooms, ...batch.flatMap(([r, u]) => [this.keys.room(r!), this.keys.nodes(r!, u!)])];
      const args = [this.node, ...batch.flat()];
      // ARGV is offset by one (the node id), so claim k's ids sit at ARGV[2k], ARGV[2k+1].
      await this.redis.parleyPresenceRenew(keys.length, ...keys, ...args);
    }
    const gone = await this.redis.parleyPresenceSweep(this.keys.rooms, roomPrefix);
    if (gone.length === 0) return;
    const ids = [...new Set(gone.filter((_, k) => k % 2 === 1))];
    const users = new Map((await this.store.usersByIds(ids)).map((u) => [u.id, u]));
    for (let k = 0; k < gone.length; k += 2) {
      const user = users.get(gone[k + 1]!);
      if (user) this.announce(gone[k]!, user, false);
    }
  }

  protected async counted(roomId: string): Promise<{ count: number; version: number }> {
    const [count, version] = await this.redis.parleyPresenceCounted(this.keys.room(roomId), this.keys.version(roomId));
    return { count, version };
  }

  async online(roomId: string, first?: number): Promise<UserRow[]> {
    let ids: string[];
    try {
      ids = await this.redis.parleyPresenceOnline(this.keys.room(roomId), String(first ?? 0));
    } catch (error) {
      // Redis unreachable: this node's own view is the best answer there is.
      this.onError(error);
      return this.localOnline(roomId, first);
    }
    if (ids.length === 0) return [];
    return (await this.store.usersByIds(ids)).sort(byName);
  }

  async onlineAmong(roomId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    try {
      return await this.redis.parleyPresenceOnlineAmong(this.keys.room(roomId), ...userIds);
    } catch (error) {
      this.onError(error);
      return this.localAmong(roomId, userIds);
    }
  }

  async count(roomId: string): Promise<number> {
    try {
      return await this.redis.parleyPresenceCount(this.keys.room(roomId));
    } catch (error) {
      this.onError(error);
      return this.rooms.get(roomId)?.size ?? 0;
    }
  }

  /** Withdraws this node's claims (announcing who that takes offline) and stops renewing. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const [roomId, users] of this.rooms) for (const { user } of users.values()) this.departed(roomId, user);
    this.rooms.clear();
    while (this.pending.size > 0) await Promise.all(this.pending);
    await this.flushAll();
  }
}
