import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

const KEY_HEADER = 'x-parley-internal';
const CLIENT_HEADER = 'x-parley-client';

/**
 * The web UI's server side calls this process's own /graphql, so every such call comes
 * from 127.0.0.1: without more, all the web's users would share one address's sign-in
 * and sign-up limits. Each request handed to Next carries the real client's address and
 * a key made at start-up (both always overwritten, so a client cannot set them); Next
 * passes them back on its calls, and only a call with the key is believed.
 */
export class InternalCalls {
  private readonly key = randomBytes(32);
  private readonly keyText = this.key.toString('base64url');

  /** Marks a request for Next with its client's address (overwriting whatever came in). */
  stamp(req: IncomingMessage, clientAddress: string): void {
    req.headers[KEY_HEADER] = this.keyText;
    req.headers[CLIENT_HEADER] = clientAddress;
  }

  /** The client address a call from Next vouches for, or undefined for any other request. */
  clientOf(headers: IncomingHttpHeaders): string | undefined {
    const key = headers[KEY_HEADER];
    const client = headers[CLIENT_HEADER];
    if (typeof key !== 'string' || typeof client !== 'string' || client.length === 0) return undefined;
    const given = Buffer.from(key, 'base64url');
    return given.length === this.key.length && timingSafeEqual(given, this.key) ? client : undefined;
  }
}
