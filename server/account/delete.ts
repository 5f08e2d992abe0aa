import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { hashPassword } from '../auth/passwords.js';
import { rememberProfile } from '../files/profiles.js';
import { PROFILES_TOPIC, SESSIONS_TOPIC } from '../pubsub/index.js';
import { announce } from '../realtime/announce.js';
import { tellViewer } from '../realtime/viewer-rooms.js';
import { takeBack } from '../rooms/revoke.js';
import type { Services } from '../services.js';
import type { JoinedRoom } from '../store/index.js';
import { deletedName } from './names.js';

/**
 * Hands a room on before its last owner goes: its earliest-joined moderator, else its
 * earliest-joined member, becomes owner (ROOM_UPDATED, their sidebar told). A room with
 * no one else left keeps no owner, as one its last owner left does.
 */
async function handOver(services: Services, log: Logger, userId: string, joined: JoinedRoom): Promise<void> {
  const { store } = services;
  if (joined.room.kind === 'DIRECT' || joined.role !== 'OWNER') return;
  if ((await store.ownerCount(joined.room.id)) > 1) return;
  const successor = await store.successorIn(joined.room.id, userId);
  if (!successor) return;
  const change = await store.setRole(joined.room.id, successor.id, 'OWNER', userId);
  if (!change) return;
  await announce(services, log, change);
  await tellViewer(services, log, successor.id, { kind: 'role', roomId: joined.room.id, role: 'OWNER' });
}

/**
 * Deletes `userId`'s account (README, "Your data"). Rooms first, each as leaving it does
 * (MEMBER_LEFT; their live subscriptions end and their sidebar hears it on every node),
 * so a failure midway leaves an account that can still sign in and try again. Then, in
 * one transaction, every sign-in and access token and every webhook they made go and the
 * account is anonymized; then every node forgets the tokens and closes their sockets.
 */
export async function deleteAccount(services: Services, log: Logger, userId: string): Promise<void> {
  const { store, sessions, pubsub } = services;
  for (const joined of await store.joinedRooms(userId)) {
    await handOver(services, log, userId, joined);
    const change = await store.removeMember(joined.room.id, userId, userId, false);
    if (!change) continue;
    await takeBack(services, log, joined.room.id, userId, 'LEFT');
    await announce(services, log, change);
  }
  // A password no one has: signing in as the old name fails as a wrong password does, in the same time.
  const unusable = await hashPassword(randomBytes(32).toString('base64url'));
  const tokenHashes = await store.deleteAccount(userId, deletedName(userId), unusable, Date.now());
  for (const tokenHash of tokenHashes) await sessions.revoke(tokenHash);
  await Promise.all(tokenHashes.map((tokenHash) => pubsub.publish(SESSIONS_TOPIC, { kind: 'revoked', tokenHash })));
  // Every node's profile cache forgets the display name and picture, and every open page
  // shows the stand-in name on the person's messages, as for any profile change.
  const user = { id: userId, name: deletedName(userId), profile: { displayName: null, avatarId: null } };
  rememberProfile(services, userId, user.profile);
  await pubsub.publish(PROFILES_TOPIC, { kind: 'profile', user }).catch((error: unknown) => {
    // Caches then believe the old profile at most PROFILE_CACHE_MS.
    log.warn({ err: error }, 'account deleted but its profile change not published');
  });
}
