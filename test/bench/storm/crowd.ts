/**
 * What the crowd scenarios (join.ts, typing.ts) share: a room's worth of people made
 * straight in the node's database before it starts (5,000 sign-ups over HTTP would be
 * 5,000 password hashes), and the subscriptions each client runs.
 */
import { randomBytes } from 'node:crypto';
import { hashToken } from '../../../server/auth/tokens.js';
import { openStore } from '../../../server/store/index.js';
import type { SubscriptionSpec } from './protocol.js';

/** `count` users with a session each, in the database at `databaseUrl`; resolves to their tokens. */
export async function peopleIn(databaseUrl: string, count: number, prefix: string): Promise<string[]> {
  const store = openStore(databaseUrl);
  try {
    await store.migrate();
    const tokens: string[] = [];
    for (let i = 0; i < count; i++) {
      const user = await store.createUser(`${prefix}${i}`, 'not a password hash');
      const token = randomBytes(24).toString('base64url');
      await store.createSession(hashToken(token), user.id, Date.now() + 24 * 60 * 60 * 1000);
      tokens.push(token);
    }
    return tokens;
  } finally {
    await store.close();
  }
}

export const perUserPresence = (roomId: string): SubscriptionSpec => ({
  id: 'p',
  query: 'subscription P($roomId: ID!) { presenceChanged(roomId: $roomId) { online user { id name } } }',
  variables: { roomId },
});

export const batchedPresence = (roomId: string): SubscriptionSpec => ({
  id: 'p',
  query:
    'subscription P($roomId: ID!) { roomPresence(roomId: $roomId) { onlineCount joinedCount leftCount joined { id name } left { id } } }',
  variables: { roomId },
});

export const userTyping = (roomId: string): SubscriptionSpec => ({
  id: 't',
  query: 'subscription T($roomId: ID!) { userTyping(roomId: $roomId) { isTyping user { id name } } }',
  variables: { roomId },
});

export const roomTyping = (roomId: string): SubscriptionSpec => ({
  id: 'r',
  query: 'subscription R($roomId: ID!) { roomTyping(roomId: $roomId) { count users { id name } } }',
  variables: { roomId },
});
