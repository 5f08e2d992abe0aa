import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '../server/config.js';

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
