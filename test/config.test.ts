import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadConfig, makeConfig } from '../server/config.js';
import { clientAddress, originAllowed } from '../server/http/origin.js';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: 'file:./data/chat.db',
      redisUrl: undefined,
      allowedOrigins: [],
      logLevel: 'info',
      web: true,
      rateLimits: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://u:p@db:5432/chat',
      REDIS_URL: 'redis://cache:6379',
      ALLOWED_ORIGINS: 'https://chat.example, http://localhost:3001',
      LOG_LEVEL: 'WARN',
      WEB: '0',
      RATE_LIMITS: 'off',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgres://u:p@db:5432/chat',
      redisUrl: 'redis://cache:6379',
      allowedOrigins: ['https://chat.example', 'http://localhost:3001'],
      logLevel: 'warn',
      web: false,
      rateLimits: false,
    });
    expect(loadConfig({ DATABASE_URL: 'file:/tmp/x.db', RATE_LIMITS: 'on', WEB: '1' })).toMatchObject({
      databaseUrl: 'file:/tmp/x.db',
      rateLimits: true,
      web: true,
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'file:'],
    ['REDIS_URL', 'http://x'],
    ['LOG_LEVEL', 'loud'],
    ['RATE_LIMITS', 'maybe'],
    ['WEB', 'yes please'],
    ['ALLOWED_ORIGINS', 'not a url'],
    ['ALLOWED_ORIGINS', 'https://chat.example/path'],
    ['TRUST_PROXY', 'yes'],
    ['TRUST_PROXY', '11'],
    ['TRUST_PROXY', '1.5'],
  ])('throws a ConfigError naming %s for %j', (name, value) => {
    let thrown: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as Error).message;
    expect(message.startsWith(name), message).toBe(true);
    expect(message).not.toContain('\n');
  });
});

describe('behind proxies (TRUST_PROXY)', () => {
  it('counts the proxies in front: off, on (one) or a number', () => {
    expect(loadConfig({}).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'off' }).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'on' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('takes the address the outermost trusted proxy saw, never what the client wrote left of it', () => {
    const peer = '10.0.0.5'; // the proxy itself
    const address = (hops: number, xff?: string | string[]) =>
      clientAddress(xff === undefined ? {} : { 'x-forwarded-for': xff }, peer, makeConfig({ trustProxy: hops }));
    // Without trust, the header is ignored.
    expect(address(0, '198.51.100.7')).toBe(peer);
    // One proxy that appends: the client sent "6.6.6.6" itself, the proxy added the real one.
    expect(address(1, '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
    // One proxy that replaces the header.
    expect(address(1, '203.0.113.9')).toBe('203.0.113.9');
    // A CDN then nginx: the CDN saw the client, nginx saw the CDN.
    expect(address(2, '6.6.6.6, 203.0.113.9, 192.0.2.44')).toBe('203.0.113.9');
    // Several header lines are one list.
    expect(address(1, ['6.6.6.6', '203.0.113.9'])).toBe('203.0.113.9');
    // No header at all: the peer.
    expect(address(1)).toBe(peer);
  });

  it('checks Origin against the host the outermost trusted proxy was asked for', () => {
    const allowed = (origin: string, forwardedHost: string) =>
      originAllowed(
        { origin, host: '127.0.0.1:4001', 'x-forwarded-host': forwardedHost },
        makeConfig({ trustProxy: 1 }),
      );
    expect(allowed('https://chat.example', 'chat.example')).toBe(true);
    expect(allowed('https://evil.example', 'evil.example, chat.example')).toBe(false);
    expect(allowed('https://chat.example', 'evil.example, chat.example')).toBe(true);
  });
});
