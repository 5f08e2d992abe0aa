import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROOM_ACCESS_CACHE_MS } from '../../server/limits.js';
import { RoomAccess } from '../../server/rooms/access.js';
import { openStore, type Store } from '../../server/store/index.js';
import { sqliteDatabase, type Database } from '../helpers/backends.js';

/** The per-node cache of room access: it may only skip store calls whose answer cannot change. */
describe('RoomAccess', () => {
  let database: Database;
  let store: Store;
  let owner: string;
  let guest: string;

  beforeAll(async () => {
    database = sqliteDatabase();
    store = openStore(database.url);
    await store.migrate();
    owner = (await store.createUser('owner', 'hash')).id;
    guest = (await store.createUser('guest', 'hash')).id;
    await store.createRoom({ id: 'vault', name: 'Vault', isPrivate: true }, owner);
    await store.createRoom({ id: 'lobby', name: 'Lobby', isPrivate: false }, owner);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  function counted() {
    const roomFor = vi.spyOn(store, 'roomFor');
    roomFor.mockClear();
    return { access: new RoomAccess(store), roomFor };
  }

  it("remembers a member's access for ROOM_ACCESS_CACHE_MS, then asks the store again", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { access, roomFor } = counted();
      const room = await access.visible('vault', owner);
      expect(room).toMatchObject({ id: 'vault', isPrivate: true, isMember: true });
      expect(await access.visible('vault', owner)).toEqual(room);
      expect(roomFor).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(ROOM_ACCESS_CACHE_MS + 1);
      await access.visible('vault', owner);
      expect(roomFor).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never remembers a refusal: an invitation counts at once', async () => {
    const { access, roomFor } = counted();
    expect(await access.visible('vault', guest)).toBeUndefined();
    expect(await access.visible('vault', guest)).toBeUndefined();
    expect(await access.visible('nowhere', guest)).toBeUndefined();
    expect(roomFor).toHaveBeenCalledTimes(3); // a private room and a missing one: same calls
    await store.addMember('vault', guest);
    expect(await access.visible('vault', guest)).toMatchObject({ id: 'vault', isMember: true });
  });

  it("keeps a public room but not a non-member's isMember, which a join elsewhere may change", async () => {
    const { access } = counted();
    expect(await access.visible('lobby', guest)).toMatchObject({ id: 'lobby', isMember: false });
    const cached = await access.visible('lobby', guest);
    expect(cached).toMatchObject({ id: 'lobby', isPrivate: false });
    expect(cached?.isMember).toBeUndefined(); // Room.isMember asks the store
  });
});
