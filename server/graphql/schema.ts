import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { accountResolvers } from '../account/resolvers.js';
import { authResolvers } from '../auth/resolvers.js';
import { eventResolvers } from '../events/resolvers.js';
import { fileResolvers } from '../files/resolvers.js';
import { integrationResolvers } from '../integrations/resolvers.js';
import { messageResolvers } from '../messages/resolvers.js';
import { presenceResolvers } from '../presence/resolvers.js';
import { moderationResolvers } from '../rooms/moderation.js';
import { roomResolvers } from '../rooms/resolvers.js';
import { searchResolvers } from '../search/resolvers.js';
import { projectRoot } from '../paths.js';
import { typingResolvers } from '../typing/resolvers.js';
import { applyPerViewer } from './per-viewer.js';
import { DateTime } from './scalars.js';

export function loadTypeDefs(): string[] {
  const dir = join(projectRoot(), 'schema');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(join(dir, file), 'utf8'));
}

/**
 * The executable schema: schema/*.graphql with each feature's resolvers, `@perViewer`
 * fields wrapped so that shared executions leave them to each viewer.
 */
export function buildSchema(): GraphQLSchema {
  return applyPerViewer(
    makeExecutableSchema({
      typeDefs: loadTypeDefs(),
      resolvers: [
        { DateTime },
        authResolvers,
        accountResolvers,
        roomResolvers,
        moderationResolvers,
        messageResolvers,
        eventResolvers,
        typingResolvers,
        presenceResolvers,
        searchResolvers,
        integrationResolvers,
        fileResolvers,
      ],
    }),
  );
}
