import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics `/metrics` serves; one registry per app so tests can run several. */
export class Metrics {
  readonly registry = new Registry();

  readonly openSockets = new Gauge({
    name: 'parley_open_sockets',
    help: 'WebSocket connections open on this node.',
    registers: [this.registry],
  });

  readonly activeSubscriptions = new Gauge({
    name: 'parley_active_subscriptions',
    help: 'Live GraphQL subscriptions on this node, by root field.',
    labelNames: ['field'] as const,
    registers: [this.registry],
  });

  readonly messagesSent = new Counter({
    name: 'parley_messages_sent_total',
    help: 'Messages accepted by sendMessage on this node.',
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: 'parley_deliveries_total',
    help: 'Messages delivered to subscribers on this node.',
    registers: [this.registry],
  });

  readonly deliveryLatency = new Histogram({
    name: 'parley_delivery_latency_seconds',
    help: 'From a message being stored to it being handed to a subscriber socket.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly signalFrames = new Counter({
    name: 'parley_signal_frames_total',
    help: 'Typing and presence frames the shared fan-out queued for subscribers on this node, by subscription.',
    labelNames: ['field'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'From an HTTP request arriving to its response ending (SSE streams excluded), by route.',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly rejected = new Counter({
    name: 'parley_rejected_total',
    help: 'Requests and connections refused, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
  }
}
