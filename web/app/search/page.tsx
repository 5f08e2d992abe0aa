import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { SearchResultBody } from '@/components/search/SearchResultBody';
import { errorCode, errorMessage } from '@/lib/errors';
import { SidebarQuery } from '@/lib/operations/rooms';
import { SearchQuery } from '@/lib/operations/search';
import { messageLink, parseSearch, resolveRoom, roomDisplay, searchLink } from '@/lib/search/query';
import { resultRoomLabel, roomChoices, searchErrorMessage } from '@/lib/search/results';
import { requestClient } from '@/lib/server/api';
import { sessionToken } from '@/lib/server/session';

type SearchParams = Record<string, string | string[] | undefined>;

interface Props {
  searchParams: Promise<SearchParams>;
}

const one = (value: string | string[] | undefined): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const q = one((await searchParams).q).trim();
  return { title: q ? `Search: ${q}` : 'Search' };
}

/**
 * Search results as a page of their own: rendered on the server, a plain GET form (works
 * without JavaScript), each result a link to the message in its room, and every page of
 * results an address to share: /search?q=…(&room=…)(&after=…).
 */
export default async function SearchPage({ searchParams }: Props) {
  const params = await searchParams;
  const q = one(params.q);
  const roomParam = one(params.room) || null;
  const after = one(params.after) || null;
  if (!(await sessionToken())) redirect('/signin');
  const { client } = await requestClient();
  const sidebar = await client.query(SidebarQuery, {}).toPromise();
  if (errorCode(sidebar.error) === 'UNAUTHENTICATED' || (sidebar.data && !sidebar.data.me)) redirect('/signin');
  if (!sidebar.data?.me) throw new Error(errorMessage(sidebar.error));
  const viewer = sidebar.data.me;
  const rooms = roomChoices(sidebar.data.rooms, viewer.name);

  // `in:` in the words wins over the room picked in the form.
  const parsed = parseSearch(q);
  const named = parsed.room === null ? null : resolveRoom(parsed.room, rooms);
  const roomId = named?.id ?? roomParam;
  let problem: string | null = null;
  let results = null;
  if (parsed.room !== null && !named) problem = `None of your rooms is called “${parsed.room}”.`;
  else if (q.trim() && !parsed.text.trim()) problem = 'Type words to search for.';
  else if (parsed.text.trim()) {
    const answer = await client.query(SearchQuery, { query: parsed.text, roomId, after }).toPromise();
    if (answer.data) results = answer.data.search;
    else problem = searchErrorMessage(answer.error);
  }
  const scope = roomId ? resultRoomLabel(roomId, rooms) : null;
  const now = Date.now();

  return (
    <main className="search-page" id="main">
      <div className="search-page-head">
        <h1 className="auth-title">Search messages</h1>
        <Link href="/">Back to your rooms</Link>
      </div>
      <form className="search-page-form" action="/search" method="get" role="search">
        <div className="field">
          <label htmlFor="search-q">Words</label>
          <input id="search-q" name="q" type="search" defaultValue={q} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="search-room">Room</label>
          <select id="search-room" name="room" defaultValue={roomParam ?? ''}>
            <option value="">All rooms</option>
            {rooms.map((room) => (
              <option key={room.id} value={room.id}>
                {roomDisplay(room)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <p className="field-hint">
        Every word must match, as a word or its start. <code>&quot;a phrase&quot;</code> matches in order,{' '}
        <code>from:name</code> keeps one person&apos;s messages, <code>in:room</code> one room&apos;s.
      </p>
      {problem && (
        <p className="form-error" role="alert" data-testid="search-problem">
          {problem}
        </p>
      )}
      {results && (
        <section aria-labelledby="search-results-title" className="stack">
          <h2 id="search-results-title" className="search-status" data-testid="search-status">
            {results.edges.length === 0
              ? `No messages match “${parsed.text}”${scope ? ` in ${scope}` : ''}${after ? ' past this point' : ''}.`
              : `Messages matching “${parsed.text}”${scope ? ` in ${scope}` : ''}, newest first`}
          </h2>
          <ol className="search-page-results">
            {results.edges.map((edge) => (
              <li key={edge.node.id}>
                <a
                  className="search-page-result"
                  href={messageLink(edge.node.roomId, edge.node.id)}
                  data-testid="search-page-result"
                >
                  <SearchResultBody edge={edge} roomLabel={resultRoomLabel(edge.node.roomId, rooms)} now={now} />
                </a>
              </li>
            ))}
          </ol>
          <nav className="search-pager" aria-label="Result pages">
            {after ? <Link href={searchLink(q, roomParam)}>← Newest results</Link> : <span />}
            {results.pageInfo.hasNextPage && results.pageInfo.endCursor && (
              <Link href={searchLink(q, roomParam, results.pageInfo.endCursor)} rel="next">
                Older results →
              </Link>
            )}
          </nav>
        </section>
      )}
    </main>
  );
}
