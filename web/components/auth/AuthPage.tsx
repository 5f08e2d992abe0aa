import type { ReactNode } from 'react';

/** The signed-out frame: the name, a line about it, and the form. */
export function AuthPage({ children }: { children: ReactNode }) {
  return (
    <main className="auth" id="main">
      <div className="auth-intro">
        <p className="brand brand-large">Parley</p>
        <p className="auth-tagline">Rooms for real-time conversation.</p>
      </div>
      {children}
    </main>
  );
}
