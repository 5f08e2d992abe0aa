import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="notice" id="main">
      <h1>Nothing here</h1>
      <p>This room does not exist, or it is private and you have not been invited.</p>
      <p>
        <Link href="/" className="button">
          Back to your rooms
        </Link>
      </p>
    </main>
  );
}
