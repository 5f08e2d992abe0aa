'use client';

import { type ReactNode, createContext, useContext, useEffect, useState } from 'react';

/** How often relative times ("2 min ago") are brought up to date. */
const TICK_MS = 30_000; // 30 seconds

interface Clock {
  now: number;
  /** False while hydrating: times render exactly as on the server (its clock, UTC). */
  local: boolean;
}

const ClockContext = createContext<Clock>({ now: 0, local: false });

/**
 * Relative times must hydrate identically to the server's HTML, so the first render uses
 * the server's `renderedAt`; after hydration the browser's clock and time zone take over.
 */
export function ClockProvider({ renderedAt, children }: { renderedAt: number; children: ReactNode }) {
  const [clock, setClock] = useState<Clock>({ now: renderedAt, local: false });
  useEffect(() => {
    const tick = () => setClock({ now: Date.now(), local: true });
    tick();
    const timer = setInterval(tick, TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return <ClockContext.Provider value={clock}>{children}</ClockContext.Provider>;
}

export const useClock = (): Clock => useContext(ClockContext);
