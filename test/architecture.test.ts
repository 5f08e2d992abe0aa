import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The server's layers, lowest first. A module may import from its own layer and the
 * ones below, never above: the real-time core knows nothing of GraphQL, GraphQL nothing
 * of the WebSocket transport, and the store nothing of anyone. `README.md`'s
 * architecture section draws the same picture.
 */
const LAYERS: readonly (readonly string[])[] = [
  // Leaves: constants, configuration and small helpers every layer may use.
  [
    'limits.ts',
    'config.ts',
    'text.ts',
    'bounded-map.ts',
    'metrics.ts',
    'paths.ts',
    'v8-flags.ts',
    'http/request-id.ts',
  ],
  ['store/'],
  ['pubsub/'],
  ['presence/tracker.ts', 'presence/redis-presence.ts'],
  ['realtime/'],
  [
    'graphql/errors.ts',
    'rate-limit.ts',
    'http/',
    'auth/tokens.ts',
    'auth/passwords.ts',
    'auth/sessions.ts',
    'rooms/access.ts',
    'rooms/model.ts',
  ],
  ['graphql/', 'services.ts', 'http/viewer.ts'],
  // The features: each one's resolvers and domain rules.
  ['auth/', 'messages/', 'events/', 'typing/', 'presence/', 'rooms/', 'search/', 'integrations/', 'files/', 'account/'],
  // Transports: the schema assembled from the features, served over HTTP, SSE and WebSocket.
  ['graphql/schema.ts', 'graphql/yoga.ts', 'http/probes.ts', 'transport/'],
  // Entry points: the server, and the operator's commands (backup, restore).
  ['app.ts', 'main.ts', 'ops/'],
];

const SERVER = resolve(import.meta.dirname, '../server');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : files(path);
    return entry.name.endsWith('.ts') ? [relative(SERVER, path)] : [];
  });
}

/** The layer of a file: the most specific entry that names it (a file before its folder). */
function layerOf(file: string): number {
  let best = -1;
  let bestLength = -1;
  LAYERS.forEach((entries, layer) => {
    for (const entry of entries) {
      const matches = entry.endsWith('/') ? file.startsWith(entry) : file === entry;
      if (matches && entry.length > bestLength) [best, bestLength] = [layer, entry.length];
    }
  });
  return best;
}

interface Import {
  readonly target: string;
  /** `import type`: erased at run time, so it cannot make a cycle of module loading. */
  readonly typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(SERVER, file), 'utf8');
  const found: Import[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?\sfrom\s+'(\.{1,2}\/[^']+)'/gms)) {
    const target = relative(SERVER, resolve(dirname(join(SERVER, file)), match[2]!.replace(/\.js$/, '.ts')));
    found.push({ target, typeOnly: Boolean(match[1]) });
  }
  return found;
}

describe('the server’s layers', () => {
  const all = files(SERVER);

  it('places every module in a layer', () => {
    expect(all.filter((file) => layerOf(file) === -1)).toEqual([]);
  });

  it('never imports from a higher layer, types included', () => {
    const upward = all.flatMap((file) =>
      importsOf(file)
        .filter(({ target }) => !target.startsWith('graphql/generated/') && layerOf(target) > layerOf(file))
        .map(({ target }) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('has no cycle of modules loading each other', () => {
    const graph = new Map(
      all.map((file) => [
        file,
        importsOf(file)
          .filter((i) => !i.typeOnly)
          .map((i) => i.target),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of all) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
