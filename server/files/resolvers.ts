import { Repeater } from 'graphql-yoga';
import type { Resolvers } from '../graphql/generated/resolvers.js';
import { badInput } from '../graphql/errors.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import { boundedPush } from '../graphql/room-subscription.js';
import { DISPLAY_NAME_MAX_CHARS, RATE_UPDATE_PROFILE, RATE_UPLOAD } from '../limits.js';
import { PROFILES_TOPIC } from '../pubsub/index.js';
import type { Profile, UserRow } from '../store/types.js';
import { charCount } from '../text.js';
import { INLINE_TYPES } from './images.js';
import { storeAvatar, storeUpload } from './ingest.js';
import { profileOf, rememberProfile } from './profiles.js';
import { FileScalar, StagedFile } from './uploads.js';

/** Where a file is served (files/http.ts): a path on this server, the same on every node. */
export const fileUrl = (fileId: string): string => `/files/${fileId}`;
export const thumbnailUrl = (fileId: string): string => `/files/${fileId}/thumbnail`;

/** Letters and the like only: no controls or direction overrides in a name shown everywhere. */
const DISPLAY_NAME_UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

function displayNameArgument(raw: string): string | null {
  const name = raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (name === '') return null;
  if (charCount(name) > DISPLAY_NAME_MAX_CHARS)
    throw badInput(`A display name is at most ${DISPLAY_NAME_MAX_CHARS} characters.`, 'displayName');
  if (DISPLAY_NAME_UNSAFE.test(name)) throw badInput('A display name is plain text on one line.', 'displayName');
  return name;
}

type ProfiledUser = UserRow & { readonly profile: Profile };

export const fileResolvers: Resolvers = {
  File: FileScalar,

  Attachment: {
    url: (file) => fileUrl(file.id),
    thumbnailUrl: (file) => (file.thumbnail ? thumbnailUrl(file.id) : null),
  },

  Message: {
    attachments: (message) => (message.deletedAt === null ? [...(message.attachments ?? [])] : []),
  },

  User: {
    displayName: async (user, _args, ctx) => (await profileOf(ctx, user)).displayName,
    async avatarUrl(user, _args, ctx) {
      const { avatarId } = await profileOf(ctx, user);
      return avatarId === null ? null : fileUrl(avatarId);
    },
  },

  Mutation: {
    async uploadFile(_root, { roomId, file }, ctx) {
      const viewer = requireViewer(ctx);
      await ctx.services.limiter.consume('uploadFile', RATE_UPLOAD, viewer.id);
      const room = await requireRoom(ctx, roomId);
      const staged: unknown = file;
      if (!(staged instanceof StagedFile)) throw badInput('Send the file as a multipart request part.', 'file');
      return storeUpload(ctx.services, viewer, room.id, staged);
    },

    async updateProfile(_root, { displayName, avatarId }, ctx) {
      const viewer = requireViewer(ctx);
      const { services } = ctx;
      await services.limiter.consume('updateProfile', RATE_UPDATE_PROFILE, viewer.id);
      const patch: { displayName?: string | null; avatarId?: string | null } = {};
      if (displayName != null) patch.displayName = displayNameArgument(displayName);
      if (avatarId === '') patch.avatarId = null;
      else if (avatarId != null) {
        const source = await services.store.file(avatarId);
        // Someone else's file reads exactly like a missing one.
        if (!source || source.ownerId !== viewer.id || source.messageDeleted)
          throw badInput(`No file "${avatarId}" of yours.`, 'avatarId');
        if (!INLINE_TYPES.has(source.contentType))
          throw badInput('An avatar is a PNG, JPEG, GIF or WebP image.', 'avatarId');
        patch.avatarId = source.kind === 'AVATAR' ? source.id : (await storeAvatar(services, viewer, source)).id;
      }
      const user = await services.store.updateProfile(viewer.id, patch);
      rememberProfile(services, user.id, user.profile);
      await services.pubsub.publish(PROFILES_TOPIC, { kind: 'profile', user }).catch((error: unknown) => {
        ctx.log.warn({ err: error }, 'profile changed but not published');
      });
      return user;
    },
  },

  Subscription: {
    profileChanged: {
      subscribe: (_root, _args, ctx) => {
        requireViewer(ctx);
        const { pubsub, metrics } = ctx.services;
        return new Repeater<ProfiledUser>(async (repeaterPush, stop) => {
          const { push } = boundedPush(ctx, 'profileChanged', repeaterPush, stop);
          metrics.activeSubscriptions.inc({ field: 'profileChanged' });
          let unsubscribe: (() => Promise<void>) | undefined;
          try {
            unsubscribe = await pubsub.subscribe(PROFILES_TOPIC, (event) => void push(event.user));
            await stop;
          } finally {
            await unsubscribe?.();
            metrics.activeSubscriptions.dec({ field: 'profileChanged' });
          }
        });
      },
      resolve: (user: ProfiledUser) => user,
    },
  },
};
