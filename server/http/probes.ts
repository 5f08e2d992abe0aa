import type { ServerResponse } from 'node:http';
import type { Services } from '../services.js';

/** How long /readyz waits for the database and pub/sub before calling them down. */
const READY_CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer in ${ms} ms`)), ms);
    }),
  ]);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function healthz(res: ServerResponse): void {
  json(res, 200, { status: 'ok' });
}

/** 200 when the database and the pub/sub both answer, else 503 naming what is down. */
export async function readyz(res: ServerResponse, services: Services): Promise<void> {
  const checks = await Promise.allSettled([
    withTimeout(services.store.ping(), READY_CHECK_TIMEOUT_MS, 'database'),
    withTimeout(services.pubsub.ping(), READY_CHECK_TIMEOUT_MS, 'pubsub'),
  ]);
  const [database, pubsub] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'down'));
  const ready = database === 'ok' && pubsub === 'ok';
  json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', database, pubsub });
}

export async function metrics(res: ServerResponse, services: Services): Promise<void> {
  const { registry } = services.metrics;
  const body = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType });
  res.end(body);
}
