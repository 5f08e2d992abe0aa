import type { Logger } from 'pino';
import type { Sessions } from './auth/sessions.js';
import type { Config } from './config.js';
import type { InternalCalls } from './http/internal.js';
import type { Metrics } from './metrics.js';
import type { Presence } from './presence/tracker.js';
import type { PubSub } from './pubsub/index.js';
import type { RateLimiter } from './rate-limit.js';
import type { FanoutRegistry } from './realtime/fanout.js';
import type { RoomHub } from './realtime/room-hub.js';
import type { ViewerRooms } from './realtime/viewer-rooms.js';
import type { RoomAccess } from './rooms/access.js';
import type { Store } from './store/index.js';
import type { TrustedDocuments } from './graphql/trusted-documents.js';

/** Everything a resolver may use, built once per app by `buildApp`. */
export interface Services {
  readonly config: Config;
  readonly log: Logger;
  readonly store: Store;
  readonly pubsub: PubSub;
  readonly hub: RoomHub;
  readonly fanout: FanoutRegistry;
  /** Each local subscriber's rooms as their sidebar shows them (`viewerRoomsChanged`). */
  readonly viewerRooms: ViewerRooms;
  readonly presence: Presence;
  readonly sessions: Sessions;
  readonly roomAccess: RoomAccess;
  readonly limiter: RateLimiter;
  readonly metrics: Metrics;
  /** Vouches for the client address on the web UI's own calls to /graphql. */
  readonly internal: InternalCalls;
  /** The web UI's operations: the only ones the session cookie acts in. */
  readonly trustedDocuments: TrustedDocuments;
}
