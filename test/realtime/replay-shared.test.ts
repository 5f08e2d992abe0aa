/**
 * A reconnect storm's replays, counted. When a node comes back, its clients resume
 * together from about the same message: each batch they all need must be read from the
 * store once, each replayed value executed once, and each batch written to a socket in
 * one write, not one per message (before, a replayed message cost 4–6× a live one). The
 * fan-out here is the real one; the store, room hub, presence and sockets are stand-ins
 * that count.
 */
import { EventEmitter } from 'node:events';
import pino from 'pino';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { FLUSH_SOCKETS_PER_TURN, REPLAY_BATCH, REPLAY_BATCHES_PER_TURN } from '../../server/limits.js';
import type { Metrics } from '../../server/metrics.js';
import type { Presence } from '../../server/presence/tracker.js';
import { type Rendered, FanoutRegistry } from '../../server/realtime/fanout.js';
import { messageFeed } from '../../server/realtime/feeds.js';
import { frameText } from '../../server/realtime/frames.js';
import type { RoomHub, RoomListener } from '../../server/realtime/room-hub.js';
import type { MessageRow, RoomChange, Store, UserRow } from '../../server/store/index.js';

const ROOM = 'room-1';
const ALICE = { id: 'u1', name: 'alice' } as UserRow;

/** A store of `count` messages that counts its replay reads. */
function countingStore(count: number) {
  const messages: MessageRow[] = [];
  const add = (n: number) => {
    for (let i = 0; i < n; i++) {
      const seq = messages.length + 1;
      messages.push({
        id: `m${seq}`,
        roomId: ROOM,
        seq,
        text: `#${seq}`,
        author: ALICE,
        createdAt: Date.now(),
      } as MessageRow);
    }
  };
  add(count);
  const reads: number[] = [];
  const store = {
    // A fresh copy of each row, as a database read gives.
    messagesAfter: async (_roomId: string, after: number, limit: number) => {
      reads.push(after);
      return messages
        .filter((m) => m.seq > after)
        .slice(0, limit)
        .map((m) => ({ ...m }));
    },
  } as unknown as Store;
  return { store, reads, add };
}

/** A client's socket as `ws` has it, whose raw writes (and corked runs of them) are counted. */
class CountingSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  corks = 0;
  readonly texts: string[] = [];
  readonly _sender = { _state: 0, _queue: [] };
  readonly _socket = {
    write: (frame: Buffer) => void this.texts.push(frameText(frame)),
    cork: () => void (this.corks += 1),
    uncork: () => undefined,
  };
  send(text: string): void {
    this.texts.push(text);
  }
  /** The ids of the messages delivered to subscription `id`, in order. */
  ids(id: string): string[] {
    return this.texts
      .map((text) => JSON.parse(text) as { id: string; payload: { data: { messageAdded: { id: string } } } })
      .filter((frame) => frame.id === id)
      .map((frame) => frame.payload.data.messageAdded.id);
  }
}

function fanoutOver(store: Store) {
  const noop = () => undefined;
  const listeners: RoomListener[] = [];
  const hub = {
    listen: async (_roomId: string, listener: RoomListener) => {
      listeners.push(listener);
      return noop;
    },
  } as unknown as RoomHub;
  /** Hands the room's listeners a new message, as the room's feed does. */
  const publish = (message: MessageRow) => {
    const change = { seq: message.seq, kind: 'MESSAGE_ADDED', roomId: ROOM, message } as unknown as RoomChange;
    for (const listener of listeners) listener.change?.(change);
  };
  const presence = { enter: async () => noop } as unknown as Presence;
  const metrics = {
    activeSubscriptions: { inc: noop, dec: noop },
    deliveries: { inc: noop },
    deliveryLatency: { observe: noop },
  } as unknown as Metrics;
  const fanout = new FanoutRegistry(hub, store, presence, metrics, pino({ level: 'silent' }));
  const execute = (value: unknown): Rendered => {
    const shared = JSON.stringify({ data: { messageAdded: { id: (value as MessageRow).id } } });
    return { shared, answers: () => [], payload: () => shared };
  };
  const subscribe = (socket: CountingSocket, after: number) =>
    fanout.subscribe(messageFeed, ROOM, ALICE, after, {
      socket: socket as unknown as WebSocket,
      id: '1',
      groupKey: 'messageAdded { id }',
      execute,
    });
  const subscribeLive = (socket: CountingSocket) =>
    fanout.subscribe(messageFeed, ROOM, ALICE, null, {
      socket: socket as unknown as WebSocket,
      id: '1',
      groupKey: 'messageAdded { id }',
      execute,
    });
  return { fanout, subscribe, subscribeLive, publish };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Counts the event loop's turns from now until stopped. */
function countTurns() {
  let number = 0;
  let turning = true;
  const count = () => {
    number += 1;
    if (turning) setImmediate(count);
  };
  setImmediate(count);
  return {
    now: () => number,
    stop: () => void (turning = false),
  };
}
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

describe('replays after a node comes back', () => {
  it('reads each batch once, executes each message once and writes each batch once, however many resume', async () => {
    const total = 2 * REPLAY_BATCH + 50;
    const { store, reads } = countingStore(total);
    const { fanout, subscribe } = fanoutOver(store);
    const sockets = Array.from({ length: 12 }, () => new CountingSocket());
    // Resuming in the same turn, as clients whose subscribe frames arrive together do.
    await Promise.all(sockets.map((socket) => subscribe(socket, 0)));
    for (let i = 0; i < 200 && sockets.some((s) => s.ids('1').length < total); i++) await turn();

    for (const socket of sockets) {
      expect(socket.ids('1')).toEqual(ids(1, total));
      expect(socket.corks).toBe(3); // three batches: 200, 200, 50
    }
    expect(reads).toEqual([0, REPLAY_BATCH, 2 * REPLAY_BATCH]);
    expect(fanout.executions).toBe(total);
  });

  it('never hands a subscriber a read that began before it joined', async () => {
    const { store, reads, add } = countingStore(10);
    const { subscribe } = fanoutOver(store);
    const early = new CountingSocket();
    await subscribe(early, 0);
    await turn();
    await turn();
    expect(early.ids('1')).toEqual(ids(1, 10));
    // Stored after the first read: a later subscriber must read it, not reuse that read.
    add(1);
    const late = new CountingSocket();
    await subscribe(late, 0);
    await turn();
    await turn();
    expect(late.ids('1')).toEqual(ids(1, 11));
    expect(reads).toEqual([0, 0]);
  });

  it('lets the event loop turn: at most REPLAY_BATCHES_PER_TURN batches in a turn, however many replay', async () => {
    const total = 2 * REPLAY_BATCH + 50;
    const { store } = countingStore(total);
    const { subscribe } = fanoutOver(store);
    // Which turn of the event loop each batch was written in.
    const turns = countTurns();
    const batchesByTurn = new Map<number, number>();
    const sockets = Array.from({ length: 40 }, () => {
      const socket = new CountingSocket();
      const cork = socket._socket.cork;
      socket._socket.cork = () => {
        cork();
        batchesByTurn.set(turns.now(), (batchesByTurn.get(turns.now()) ?? 0) + 1);
      };
      return socket;
    });
    await Promise.all(sockets.map((socket) => subscribe(socket, 0)));
    for (let i = 0; i < 200 && sockets.some((s) => s.ids('1').length < total); i++) await turn();
    turns.stop();

    for (const socket of sockets) expect(socket.ids('1')).toEqual(ids(1, total));
    expect([...batchesByTurn.values()].reduce((a, b) => a + b)).toBe(40 * 3);
    expect(Math.max(...batchesByTurn.values())).toBe(REPLAY_BATCHES_PER_TURN);
  });

  it('writes live frames to at most FLUSH_SOCKETS_PER_TURN sockets in a turn, each socket in order', async () => {
    const { store } = countingStore(0);
    const { subscribeLive, publish } = fanoutOver(store);
    const turns = countTurns();
    const socketsByTurn = new Map<number, Set<CountingSocket>>();
    const n = 2 * FLUSH_SOCKETS_PER_TURN + 100;
    const sockets = Array.from({ length: n }, () => {
      const socket = new CountingSocket();
      const write = socket._socket.write;
      socket._socket.write = (frame: Buffer) => {
        write(frame);
        if (!socketsByTurn.has(turns.now())) socketsByTurn.set(turns.now(), new Set());
        socketsByTurn.get(turns.now())!.add(socket);
      };
      return socket;
    });
    await Promise.all(sockets.map((socket) => subscribeLive(socket)));
    const message = (seq: number) =>
      ({ id: `m${seq}`, roomId: ROOM, seq, text: '', author: ALICE, createdAt: 0 }) as MessageRow;
    publish(message(1));
    await turn();
    await turn();
    // The second arrives while the first is still being written: it goes behind it.
    const sent = sockets.filter((socket) => socket.ids('1').length === 1).length;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(n);
    publish(message(2));
    for (let i = 0; i < 20 && sockets.some((s) => s.ids('1').length < 2); i++) await turn();
    turns.stop();

    for (const socket of sockets) expect(socket.ids('1')).toEqual(['m1', 'm2']);
    const written = [...socketsByTurn.values()].map((set) => set.size);
    expect(Math.max(...written)).toBe(FLUSH_SOCKETS_PER_TURN);
    expect(written.reduce((a, b) => a + b)).toBe(n + sent); // those that had m1 got m2 apart
  });

  it('waits for a socket that is not reading, then goes on where it stopped', async () => {
    const { store } = countingStore(30);
    const { subscribe } = fanoutOver(store);
    const slow = new CountingSocket();
    const write = slow._socket.write;
    // Each frame written leaves 100 KiB unsent until the client "reads" (below).
    slow._socket.write = (frame: Buffer) => {
      write(frame);
      slow.bufferedAmount += 100 * 1024;
    };
    await subscribe(slow, 0);
    await turn();
    await turn();
    const first = slow.ids('1').length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(30);
    for (let i = 0; i < 50 && slow.ids('1').length < 30; i++) {
      slow.bufferedAmount = 0;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(slow.ids('1')).toEqual(ids(1, 30));
  });
});
