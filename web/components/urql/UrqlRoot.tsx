'use client';

import { type ReactNode, useState } from 'react';
import { UrqlProvider } from '@urql/next';
import type { SSRData } from '@urql/core';
import { createPageClient } from '@/lib/urql/page-client';

/**
 * Provides one urql client per rendered page: per request on the server, per navigation
 * in the browser (never module scope, urql #3367).
 *
 * The Suspense traps (urql #3686, #3449: a client recreated by a suspension, refetching in
 * a loop) are avoided by not suspending at all: the client runs with `suspense: false` and
 * every query rendered on the server is already in `ssrData`. There is deliberately no
 * Suspense boundary here: one that resolves after the shell is flushed is streamed into a
 * hidden element that only an inline script reveals, so readers without JavaScript would
 * get an empty page.
 */
export function UrqlRoot({ ssrData, children }: { ssrData: SSRData; children: ReactNode }) {
  const [{ client, ssr }] = useState(() => createPageClient(ssrData));
  return (
    <UrqlProvider client={client} ssr={ssr}>
      {children}
    </UrqlProvider>
  );
}
