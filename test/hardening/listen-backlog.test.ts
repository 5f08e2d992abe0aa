import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { LISTEN_BACKLOG } from '../../server/limits.js';
import { type TestServer, startServer } from '../helpers/server.js';

/**
 * A node listens with LISTEN_BACKLOG, not Node's default 511: a reconnect storm's
 * handshakes wait in the kernel until the node accepts them instead of being dropped
 * into TCP retransmission (bench:reconnect found 5,000 clients back after 147 s, not
 * 22-37 s). Read from the kernel: for a listening socket `ss` shows the backlog as
 * its Send-Q.
 */

/** `ss` (iproute2) and /proc: Linux with the tool installed. */
function ssMissing(): string | undefined {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    readFileSync('/proc/sys/net/core/somaxconn', 'utf8');
    return undefined;
  } catch {
    return 'needs Linux with ss (iproute2)';
  }
}
const MISSING = ssMissing();
/** Node's own default backlog, what a plain `listen(port)` gets. */
const NODE_DEFAULT_BACKLOG = 511;

const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.stop())));

describe.skipIf(MISSING)(`the listen backlog${MISSING ? ` (skipped: ${MISSING})` : ''}`, () => {
  it('is LISTEN_BACKLOG, as far as the kernel allows', async () => {
    const server = await startServer({}, { embedded: true });
    servers.push(server);
    const line = execFileSync('ss', ['-ltnH', `sport = :${server.port}`], { encoding: 'utf8' }).trim();
    // State Recv-Q Send-Q Local:Port Peer:Port; for LISTEN, Send-Q is the backlog.
    const backlog = Number(line.split(/\s+/)[2]);
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    expect(backlog).toBe(Math.min(LISTEN_BACKLOG, somaxconn));
    if (somaxconn > NODE_DEFAULT_BACKLOG) expect(backlog).toBeGreaterThan(NODE_DEFAULT_BACKLOG);
  });
});
