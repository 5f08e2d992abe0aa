import type { Resolvers } from '../graphql/generated/resolvers.js';
import { forbidden } from '../graphql/errors.js';
import { requireViewer } from '../graphql/guards.js';
import { verifyPassword } from '../auth/passwords.js';
import { RATE_SIGN_IN } from '../limits.js';
import { deleteAccount } from './delete.js';
import { isDeletedName } from './names.js';

export const accountResolvers: Resolvers = {
  User: {
    isDeleted: (user) => isDeletedName(user.name),
  },
  Mutation: {
    async deleteAccount(_root, { password }, ctx) {
      const viewer = requireViewer(ctx);
      const { limiter, store } = ctx.services;
      // As guessable as signing in: the same limit, per person.
      await limiter.consume('deleteAccount', RATE_SIGN_IN, viewer.id);
      const credentials = await store.userCredentials(viewer.name);
      if (!credentials || credentials.id !== viewer.id || !(await verifyPassword(password, credentials.passwordHash)))
        throw forbidden('That is not your current password.');
      await deleteAccount(ctx.services, ctx.log, viewer.id);
      return true;
    },
  },
};
