import type { Config } from '../../server/config.js';

/**
 * A test server: any free port on loopback, API only, no rate limits, no log lines.
 * A module of its own, free of the server's code, for benches that build the server
 * from compiled output and must not load the sources beside it.
 */
export const TEST_CONFIG = {
  port: 0,
  host: '127.0.0.1',
  web: false,
  rateLimits: false,
  logLevel: 'silent',
} as const satisfies Partial<Config>;
