'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient } from '@urql/next';
import { SearchQuery } from '../operations/search';
import type { RoomChoice } from './query';
import { type SearchRequest, type SearchStatus, searchRequest } from './request';
import { searchErrorMessage } from './results';

/** Typing pauses this long before a search is sent. */
export const SEARCH_DEBOUNCE_MS = 250;

/**
 * Results as the viewer types: sent once typing pauses, each new input dropping the
 * request before it (urql tears its fetch down), so a slow answer never overwrites a
 * newer one; "more" appends the next page of the same search.
 */
export function useSearch(input: string, rooms: readonly RoomChoice[], thisRoomId: string | null) {
  const client = useClient();
  const wanted = useMemo(() => searchRequest(input, rooms, thisRoomId), [input, rooms, thisRoomId]);
  const [status, setStatus] = useState<SearchStatus>({ kind: 'idle' });
  const [loadingMore, setLoadingMore] = useState(false);
  const current = useRef<SearchRequest | null>(null);
  // Compared by value: new input with the same words and room must not search again.
  const key = 'query' in wanted ? JSON.stringify(wanted) : null;
  const request = useMemo(() => (key === null ? null : (JSON.parse(key) as SearchRequest)), [key]);
  const quiet = 'query' in wanted ? null : wanted;

  useEffect(() => {
    if (!quiet) return;
    current.current = null;
    setStatus(quiet);
  }, [quiet]);

  useEffect(() => {
    if (!request) return;
    current.current = request;
    setStatus({ kind: 'loading', request });
    setLoadingMore(false);
    let unsubscribe: (() => void) | undefined;
    const timer = setTimeout(() => {
      ({ unsubscribe } = client
        .query(SearchQuery, { ...request, after: null }, { requestPolicy: 'network-only' })
        .subscribe((result) => {
          if (current.current !== request) return;
          const page = result.data?.search;
          if (!page) {
            setStatus({ kind: 'error', request, message: searchErrorMessage(result.error) });
            return;
          }
          const { hasNextPage, endCursor } = page.pageInfo;
          setStatus({ kind: 'done', request, edges: page.edges, hasNextPage, endCursor: endCursor ?? null });
        }));
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      unsubscribe?.();
    };
  }, [client, request]);

  const loadMore = useCallback(async () => {
    if (status.kind !== 'done' || !status.hasNextPage || !status.endCursor || loadingMore) return;
    const { request } = status;
    setLoadingMore(true);
    try {
      const result = await client
        .query(SearchQuery, { ...request, after: status.endCursor }, { requestPolicy: 'network-only' })
        .toPromise();
      if (current.current !== request) return;
      const page = result.data?.search;
      setStatus((now) => {
        if (now.kind !== 'done' || now.request !== request) return now;
        if (!page) return { kind: 'error', request, message: searchErrorMessage(result.error) };
        const held = new Set(now.edges.map((e) => e.node.id));
        return {
          ...now,
          edges: [...now.edges, ...page.edges.filter((e) => !held.has(e.node.id))],
          hasNextPage: page.pageInfo.hasNextPage,
          endCursor: page.pageInfo.endCursor ?? null,
        };
      });
    } finally {
      setLoadingMore(false);
    }
  }, [client, status, loadingMore]);

  return { status, loadingMore, loadMore };
}

export type { SearchStatus };
