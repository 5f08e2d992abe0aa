'use client';

/** Whatever a page could not render (the API unreachable, most likely): say so and offer a retry. */
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main className="notice" id="main">
      <h1>Something went wrong</h1>
      <p>Parley could not load this page. Check your connection and try again.</p>
      <p>
        <button type="button" className="button" onClick={reset}>
          Try again
        </button>
      </p>
    </main>
  );
}
