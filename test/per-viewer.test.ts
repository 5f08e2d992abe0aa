import {
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  execute,
  getNamedType,
  isLeafType,
  isObjectType,
  parse,
} from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ViewerReadInSharedExecution,
  applyPerViewer,
  perViewerFields,
  sharedContext,
} from '../server/graphql/per-viewer.js';
import { buildSchema, loadTypeDefs } from '../server/graphql/schema.js';
import { REACT, send, change } from './helpers/events.js';
import { createRoom, joinRoom, type Session, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { waitOnline } from './helpers/wait.js';
import { useSockets } from './helpers/ws.js';

/**
 * Fields answered only to some viewers (their room's owners and moderators), which a
 * shared execution refuses rather than answers: the walk leaves them out, and a test
 * below shows the refusal.
 */
const VIEWER_GATED = new Set(['Room.webhooks']);

/** How deep the walk selects; every type reachable from a subscription is within it. */
const WALK_DEPTH = 5;

/**
 * A selection of every field of `type` that can be selected without arguments of its
 * own, down to WALK_DEPTH, not entering a type already on the path (Message.replyTo).
 */
function selectAll(type: GraphQLObjectType, depth: number, path: readonly string[], seen: Set<string>): string {
  seen.add(type.name);
  const parts: string[] = [];
  for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
    if (field.args.some((a) => a.type.toString().endsWith('!') && a.defaultValue === undefined)) continue;
    if (VIEWER_GATED.has(`${type.name}.${field.name}`)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (isObjectType(named) && depth > 0 && !path.includes(named.name)) {
      parts.push(`${field.name} { ${selectAll(named, depth - 1, [...path, named.name], seen)} }`);
    }
  }
  return parts.join(' ');
}

/** Every subscription field with a selection of everything reachable below it. */
function walkSubscriptions(schema: GraphQLSchema): { field: string; document: string; types: Set<string> }[] {
  const subscription = schema.getSubscriptionType()!;
  return Object.values(subscription.getFields()).map((field) => {
    const types = new Set<string>();
    const named = getNamedType(field.type) as GraphQLObjectType;
    const args = field.args.map((a) => `${a.name}: ${a.type.toString().endsWith('!') ? '"x"' : 'null'}`).join(', ');
    const call = args ? `${field.name}(${args})` : field.name;
    const document = `subscription { ${call} { ${selectAll(named, WALK_DEPTH, [named.name], types)} } }`;
    return { field: field.name, document, types };
  });
}

describe('execute once, answer per viewer', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let carol: Session;
  let roomId: string;
  const connect = useSockets();

  beforeAll(async () => {
    server = await startServer();
    [alice, bob, carol] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
    roomId = await createRoom(server.url, alice.token);
    for (const user of [bob, carol]) await joinRoom(server.url, user.token, roomId);
  });
  afterAll(() => server.stop());

  it('runs every field reachable from a subscription in a shared context; only @perViewer ones leave holes', async () => {
    // Real events whose every field has something to show: a reply that mentions and
    // has reactions, a member joining, someone typing.
    const original = await send(server.url, alice.token, roomId, 'original');
    const reply = await send(server.url, bob.token, roomId, `@${alice.user.name} yes`, original.id);
    await change(server.url, carol.token, REACT, { id: reply.id, emoji: '👍' });
    const { store } = server.app.services;
    const changes = await store.changesAfter(roomId, 0, 100);
    const reacted = changes.findLast((c) => c.kind === 'REACTIONS_CHANGED')!;
    const joined = changes.find((c) => c.kind === 'MEMBER_JOINED')!;
    const user = joined.user!;
    const roots: Record<string, unknown[]> = {
      roomEvents: [reacted, joined],
      messageAdded: [reacted.message],
      userTyping: [{ user, isTyping: true }],
      presenceChanged: [{ user, online: true }],
      roomPresence: [{ joined: [user], joinedCount: 1, left: [], leftCount: 0, onlineCount: 1 }],
      roomTyping: [{ users: [user], count: 1 }],
      viewerRoomsChanged: [await store.room(roomId)],
      profileChanged: [{ ...user, profile: { displayName: 'Someone', avatarId: null } }, user],
    };

    const schema = buildSchema();
    const walked = walkSubscriptions(schema);
    // The walk is not vacuous: it covers every subscription and what they reach.
    expect(walked.map((w) => w.field).sort()).toEqual(Object.keys(roots).sort());
    const reached = new Set(walked.flatMap((w) => [...w.types]));
    for (const type of ['Message', 'Reaction', 'Room', 'RoomEvent', 'User', 'UserConnection', 'MessageConnection'])
      expect(reached).toContain(type);

    const holePaths = new Set<string>();
    for (const { field, document } of walked) {
      for (const root of roots[field]!) {
        const { context, holes } = sharedContext(server.app.services);
        const result = await execute({ schema, document: parse(document), rootValue: root, contextValue: context });
        // A field that reads the viewer without @perViewer fails here, by name.
        expect(result.errors?.map((e) => `${e.path?.join('.')}: ${e.message}`) ?? [], field).toEqual([]);
        for (const hole of holes)
          holePaths.add(`${field}: ${hole.path.filter((p) => typeof p === 'string').join('.')}`);
      }
    }
    // Every declared field was met and left a hole instead of an answer.
    expect([...holePaths].sort(), [...holePaths].join('\n')).toEqual([
      'messageAdded: messageAdded.reactions.viewerReacted',
      'roomEvents: roomEvents.message.reactions.viewerReacted',
      'roomEvents: roomEvents.room.isMember',
      'roomEvents: roomEvents.room.lastMessage.reactions.viewerReacted',
      'roomEvents: roomEvents.room.mentionCount',
      'roomEvents: roomEvents.room.messages.edges.node.reactions.viewerReacted',
      'roomEvents: roomEvents.room.notificationLevel',
      'roomEvents: roomEvents.room.unreadCount',
      'roomEvents: roomEvents.room.viewerRole',
      'viewerRoomsChanged: viewerRoomsChanged.isMember',
      'viewerRoomsChanged: viewerRoomsChanged.lastMessage.reactions.viewerReacted',
      'viewerRoomsChanged: viewerRoomsChanged.mentionCount',
      'viewerRoomsChanged: viewerRoomsChanged.messages.edges.node.reactions.viewerReacted',
      'viewerRoomsChanged: viewerRoomsChanged.notificationLevel',
      'viewerRoomsChanged: viewerRoomsChanged.unreadCount',
      'viewerRoomsChanged: viewerRoomsChanged.viewerRole',
    ]);
    expect(perViewerFields(schema).sort()).toEqual([
      'Reaction.viewerReacted',
      'Room.isMember',
      'Room.mentionCount',
      'Room.notificationLevel',
      'Room.unreadCount',
      'Room.viewerRole',
    ]);
  });

  it('refuses a field answered to some viewers only in a shared execution, rather than answer for all', async () => {
    const schema = buildSchema();
    const room = await server.app.services.store.room(roomId);
    const { context } = sharedContext(server.app.services);
    for (const field of VIEWER_GATED) {
      const [type, name] = field.split('.') as [string, string];
      expect(type).toBe('Room');
      const document = parse(`subscription { viewerRoomsChanged { id ${name} { id } } }`);
      const result = await execute({ schema, document, rootValue: room, contextValue: context });
      expect(result.errors?.[0]?.originalError).toBeInstanceOf(ViewerReadInSharedExecution);
      expect(result.data).toBeNull();
    }
  });

  it('fails a field that reads the viewer without @perViewer rather than share its answer', async () => {
    const typeDefs = [
      ...loadTypeDefs(),
      'extend type Message { viewerIsAuthor: Boolean! }',
      'extend type Message { viewerIsAuthorDeclared: Boolean! @perViewer }',
    ];
    const readsViewer = (message: { author: { id: string } }, _args: unknown, ctx: { viewer: { id: string } }) =>
      message.author.id === ctx.viewer.id;
    const schema = applyPerViewer(
      makeExecutableSchema({
        typeDefs,
        resolvers: {
          Message: { viewerIsAuthor: readsViewer, viewerIsAuthorDeclared: readsViewer },
          // As the fan-out runs it: the event is the root value.
          Subscription: { messageAdded: { subscribe: () => undefined, resolve: (m: unknown) => m } },
        },
      }),
    );
    const message = (await server.app.services.store.messagesAfter(roomId, 0, 1))[0]!;
    const run = (field: string) => {
      const { context, holes } = sharedContext(server.app.services);
      const document = parse(`subscription { messageAdded(roomId: "x") { ${field} } }`);
      return { result: execute({ schema, document, rootValue: message, contextValue: context }), holes };
    };
    const undeclared = run('viewerIsAuthor');
    const error = (await undeclared.result).errors?.[0];
    expect(error?.originalError).toBeInstanceOf(ViewerReadInSharedExecution);
    expect(error?.path).toEqual(['messageAdded', 'viewerIsAuthor']);
    const declared = run('viewerIsAuthorDeclared');
    expect((await declared.result).errors).toBeUndefined();
    expect(declared.holes.map((h) => h.path)).toEqual([['messageAdded', 'viewerIsAuthorDeclared']]);
  });

  it('gives three viewers in one group their own viewerReacted, executing each event once', async () => {
    const query = `subscription($roomId: ID!) {
      roomEvents(roomId: $roomId) { kind message { id reactions { emoji count viewerReacted } } room { viewerRole } }
    }`;
    type Event = {
      roomEvents: {
        kind: string;
        message: { id: string; reactions: { emoji: string; count: number; viewerReacted: boolean }[] } | null;
        room: { viewerRole: string | null };
      };
    };
    const viewers = [alice, bob, carol];
    const feeds = [];
    for (const viewer of viewers) {
      feeds.push((await connect(server.wsUrl, viewer.token)).subscribe<Event>(query, { roomId }));
    }
    for (const viewer of viewers) await waitOnline(server.url, alice.token, roomId, viewer.user.name);

    const { fanout } = server.app.services;
    const executions = fanout.executions;
    const answers = fanout.viewerAnswers;
    const message = await send(server.url, carol.token, roomId, 'react to this');
    for (const feed of feeds) await feed.waitFor(1);
    // A new message has no reactions: one execution, nothing computed per viewer.
    expect(fanout.executions - executions).toBe(1);
    expect(fanout.viewerAnswers - answers).toBe(3); // room.viewerRole, which differs
    expect(feeds.map((f) => f.items[0]!.roomEvents.room.viewerRole)).toEqual(['OWNER', 'MEMBER', 'MEMBER']);

    await change(server.url, alice.token, REACT, { id: message.id, emoji: '👍' });
    await change(server.url, bob.token, REACT, { id: message.id, emoji: '🎉' });
    for (const feed of feeds) await feed.waitFor(3);
    expect(fanout.executions - executions).toBe(3);
    const last = feeds.map((f) => f.items[2]!.roomEvents.message!.reactions);
    expect(last).toEqual([
      [
        { emoji: '👍', count: 1, viewerReacted: true },
        { emoji: '🎉', count: 1, viewerReacted: false },
      ],
      [
        { emoji: '👍', count: 1, viewerReacted: false },
        { emoji: '🎉', count: 1, viewerReacted: true },
      ],
      [
        { emoji: '👍', count: 1, viewerReacted: false },
        { emoji: '🎉', count: 1, viewerReacted: false },
      ],
    ]);
  });

  it('computes nothing per viewer while the result holds no @perViewer field', async () => {
    const quiet = await createRoom(server.url, alice.token);
    const socket = await connect(server.wsUrl, bob.token);
    const feed = socket.subscribe<{ messageAdded: { reactions: { count: number }[] } }>(
      'subscription($roomId: ID!) { messageAdded(roomId: $roomId) { id reactions { emoji count viewerReacted } } }',
      { roomId: quiet },
    );
    await waitOnline(server.url, alice.token, quiet, bob.user.name);
    const { fanout } = server.app.services;
    const answers = fanout.viewerAnswers;
    await send(server.url, alice.token, quiet, 'plain');
    await feed.waitFor(1);
    expect(feed.items[0]!.messageAdded.reactions).toEqual([]);
    expect(fanout.viewerAnswers - answers).toBe(0);
  });
});
