import type { Resolvers } from '../graphql/generated/resolvers.js';
import { badInput, conflict, forbidden, unauthenticated } from '../graphql/errors.js';
import { requireViewer } from '../graphql/guards.js';
import { charCount } from '../text.js';
import {
  ACCESS_TOKENS_MAX,
  ACCESS_TOKEN_NAME_MAX_CHARS,
  PASSWORD_MAX_CHARS,
  PASSWORD_MIN_CHARS,
  RATE_SIGN_IN,
  RATE_SIGN_UP,
  USER_NAME_PATTERN,
} from '../limits.js';
import { SESSIONS_TOPIC } from '../pubsub/index.js';
import { announce } from '../realtime/announce.js';
import { UniqueViolation } from '../store/index.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';

function checkName(name: string): void {
  if (!USER_NAME_PATTERN.test(name)) {
    throw badInput('Names are 2–32 letters, digits, "_", "-" or ".".', 'name');
  }
}

function checkPassword(password: string, field = 'password'): void {
  const length = charCount(password);
  if (length < PASSWORD_MIN_CHARS || length > PASSWORD_MAX_CHARS) {
    throw badInput(`Passwords are ${PASSWORD_MIN_CHARS}–${PASSWORD_MAX_CHARS} characters.`, field);
  }
}

/** Characters of a session's token hash that name it to its user (`AccountSession.id`). */
const SESSION_ID_CHARS = 16;
const sessionId = (tokenHash: string): string => tokenHash.slice(0, SESSION_ID_CHARS);

const accessToken = (row: {
  tokenHash: string;
  name: string | null;
  createdAt: number;
  lastUsedAt: number | null;
}) => ({
  id: sessionId(row.tokenHash),
  name: row.name ?? '',
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
});

/** The public room every account belongs to from the start. */
const GENERAL_ROOM = 'general';

export const authResolvers: Resolvers = {
  Query: {
    me: (_root, _args, ctx) => ctx.viewer,
    async sessions(_root, _args, ctx) {
      const viewer = requireViewer(ctx);
      const rows = await ctx.services.store.sessionsOf(viewer.id, Date.now());
      return rows.map((row) => ({
        id: sessionId(row.tokenHash),
        device: row.device ?? 'Unknown device',
        createdAt: row.createdAt,
        lastUsedAt: row.lastUsedAt ?? row.createdAt,
        current: row.tokenHash === ctx.tokenHash,
      }));
    },
    async accessTokens(_root, _args, ctx) {
      const viewer = requireViewer(ctx);
      const rows = await ctx.services.store.sessionsOf(viewer.id, Date.now(), true);
      return rows.map(accessToken);
    },
  },
  Mutation: {
    async signUp(_root, { name, password }, ctx) {
      const { limiter, store, sessions } = ctx.services;
      await limiter.consume('signUp', RATE_SIGN_UP, ctx.clientAddress);
      checkName(name);
      checkPassword(password);
      if (await store.userByName(name)) throw conflict(`The name "${name}" is taken.`, 'name');
      const passwordHash = await hashPassword(password);
      try {
        const user = await store.createUser(name, passwordHash);
        // A new account is a member of general from the start (if the room is there).
        if (await store.room(GENERAL_ROOM)) {
          const change = await store.addMember(GENERAL_ROOM, user.id);
          if (change) await announce(ctx.services, ctx.log, change);
        }
        return { token: await sessions.issue(user, ctx.device), user };
      } catch (error) {
        if (error instanceof UniqueViolation) throw conflict(`The name "${name}" is taken.`, 'name');
        throw error;
      }
    },

    async signIn(_root, { name, password }, ctx) {
      const { limiter, store, sessions } = ctx.services;
      await limiter.consume('signIn', RATE_SIGN_IN, ctx.clientAddress);
      const credentials = await store.userCredentials(name);
      // Spend the same time whether or not the name exists, so timing tells nothing.
      const ok = await verifyPassword(password, credentials?.passwordHash ?? (await decoyHash()));
      if (!credentials || !ok) throw unauthenticated('Wrong name or password.');
      const user = { id: credentials.id, name: credentials.name };
      return { token: await sessions.issue(user, ctx.device), user };
    },

    async signOut(_root, _args, ctx) {
      requireViewer(ctx);
      const { sessions, pubsub } = ctx.services;
      if (!ctx.tokenHash) return false;
      const revoked = await sessions.revoke(ctx.tokenHash);
      // Every node closes the sockets that were opened with this token.
      await pubsub.publish(SESSIONS_TOPIC, { kind: 'revoked', tokenHash: ctx.tokenHash });
      return revoked;
    },

    async changePassword(_root, { currentPassword, newPassword }, ctx) {
      const viewer = requireViewer(ctx);
      const { limiter, store, sessions } = ctx.services;
      // As guessable as signing in: the same limit, per person.
      await limiter.consume('changePassword', RATE_SIGN_IN, viewer.id);
      const credentials = await store.userCredentials(viewer.name);
      if (!credentials || !(await verifyPassword(currentPassword, credentials.passwordHash)))
        throw forbidden('That is not your current password.');
      checkPassword(newPassword, 'newPassword');
      await store.setPasswordHash(viewer.id, await hashPassword(newPassword));
      // Whoever knew the old password is signed out everywhere but here.
      await sessions.revokeAllOf(viewer.id, ctx.tokenHash);
      return true;
    },

    async revokeSession(_root, { id }, ctx) {
      const viewer = requireViewer(ctx);
      const { store, sessions, pubsub } = ctx.services;
      const target = (await store.sessionsOf(viewer.id, Date.now())).find((row) => sessionId(row.tokenHash) === id);
      if (!target) return false;
      const revoked = await sessions.revoke(target.tokenHash);
      await pubsub.publish(SESSIONS_TOPIC, { kind: 'revoked', tokenHash: target.tokenHash });
      return revoked;
    },

    async signOutOthers(_root, _args, ctx) {
      const viewer = requireViewer(ctx);
      return ctx.services.sessions.revokeAllOf(viewer.id, ctx.tokenHash);
    },

    async createAccessToken(_root, { name }, ctx) {
      const viewer = requireViewer(ctx);
      const { store, sessions } = ctx.services;
      const trimmed = name.trim();
      if (trimmed.length === 0 || charCount(trimmed) > ACCESS_TOKEN_NAME_MAX_CHARS)
        throw badInput(`A token's name is 1–${ACCESS_TOKEN_NAME_MAX_CHARS} characters.`, 'name');
      if ((await store.sessionsOf(viewer.id, Date.now(), true)).length >= ACCESS_TOKENS_MAX)
        throw badInput(`At most ${ACCESS_TOKENS_MAX} tokens: revoke one first.`, 'name');
      const issued = await sessions.issueAccessToken(viewer, trimmed);
      return {
        token: issued.token,
        accessToken: accessToken({
          tokenHash: issued.tokenHash,
          name: trimmed,
          createdAt: issued.createdAt,
          lastUsedAt: null,
        }),
      };
    },

    async revokeAccessToken(_root, { id }, ctx) {
      const viewer = requireViewer(ctx);
      const { store, sessions, pubsub } = ctx.services;
      const target = (await store.sessionsOf(viewer.id, Date.now(), true)).find(
        (row) => sessionId(row.tokenHash) === id,
      );
      if (!target) return false;
      const revoked = await sessions.revoke(target.tokenHash);
      // Every node forgets it and closes its sockets.
      await pubsub.publish(SESSIONS_TOPIC, { kind: 'revoked', tokenHash: target.tokenHash });
      return revoked;
    },
  },
};
