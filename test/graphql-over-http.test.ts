import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

describe('the GraphQL-over-HTTP spec (graphql-http audits)', () => {
  it('passes every MUST audit; SHOULD/MAY findings are only reported', async () => {
    const audits = serverAudits({ url: () => `${server.url}/graphql`, fetchFn: fetch });
    expect(audits.length).toBeGreaterThan(30);
    const results = [];
    for (const audit of audits) results.push(await audit.fn());
    const failures = results.filter((r) => r.status === 'error');
    const warnings = results.filter((r) => r.status === 'warn' || r.status === 'notice');
    for (const w of warnings) console.warn(`graphql-http ${w.status}: ${w.name}: ${'reason' in w ? w.reason : ''}`);
    expect(
      failures.map((f) => `${f.id} ${f.name}: ${'reason' in f ? f.reason : ''}`),
      'audits with status error',
    ).toEqual([]);
    expect(results.filter((r) => r.status === 'ok').length).toBeGreaterThan(0);
  });
});
