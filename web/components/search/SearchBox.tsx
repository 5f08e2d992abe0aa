'use client';

import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useClock } from '@/lib/chat/clock';
import { useHydrated } from '@/lib/chat/use-hydrated';
import { type RoomChoice, messageLink, searchLink } from '@/lib/search/query';
import { resultRoomLabel } from '@/lib/search/results';
import { type SearchStatus, useSearch } from '@/lib/search/use-search';
import { SearchResultBody } from './SearchResultBody';

interface Props {
  /** The room on screen, for "This room only". */
  roomId: string;
  roomName: string;
  rooms: readonly RoomChoice[];
}

/** Typing in a field of its own: `/` is a character there, not the shortcut. */
function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function statusLine(status: SearchStatus, roomName: string | null): string {
  switch (status.kind) {
    case 'idle':
      return 'Type to search messages. Try from:name, "a phrase" or in:room.';
    case 'needs-words':
      return status.room ? `Type words to search for in ${status.room}.` : 'Type words to search for.';
    case 'unknown-room':
      return `None of your rooms is called “${status.room}”.`;
    case 'loading':
      return 'Searching…';
    case 'error':
      return status.message;
    case 'done': {
      const where = status.request.roomId && roomName ? ` in ${roomName}` : '';
      if (status.edges.length === 0) return `No messages match${where}.`;
      const count = `${status.edges.length}${status.hasNextPage ? '+' : ''}`;
      return `${count} message${status.edges.length === 1 && !status.hasNextPage ? '' : 's'} found${where}.`;
    }
  }
}

/**
 * The header's search: results as you type in a list under the field (a combobox: the
 * arrows move through them, Enter opens one; Enter on the field alone opens the full
 * results page). `/` or Ctrl/Cmd+K gets here from anywhere. Without JavaScript it is a
 * plain GET form to /search.
 */
export function SearchBox({ roomId, roomName, rooms }: Props) {
  const router = useRouter();
  const hydrated = useHydrated();
  const { now } = useClock();
  const id = useId();
  const listId = `${id}-results`;
  const input = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const [text, setText] = useState('');
  const [thisRoom, setThisRoom] = useState(false);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const { status, loadingMore, loadMore } = useSearch(text, rooms, thisRoom ? roomId : null);
  const edges = status.kind === 'done' ? status.edges : [];
  const searchedRoom = status.kind === 'done' || status.kind === 'loading' ? status.request.roomId : null;
  const searchedRoomName = searchedRoom ? resultRoomLabel(searchedRoom, rooms) : null;

  // Shortcuts: `/` outside any field, Ctrl/Cmd+K anywhere.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      const commandK = (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k';
      const slash = event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && !typingIn(event.target);
      if (!commandK && !slash) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Open until the viewer clicks or moves focus elsewhere. (Not on blur: a button that
  // goes disabled while it loads drops focus to the page, and that is no leaving.)
  useEffect(() => {
    if (!open) return;
    const onOutside = (event: Event) => {
      if (event.target instanceof Node && !form.current?.contains(event.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onOutside);
    document.addEventListener('focusin', onOutside);
    return () => {
      document.removeEventListener('pointerdown', onOutside);
      document.removeEventListener('focusin', onOutside);
    };
  }, [open]);

  // A new list starts with nothing chosen.
  useEffect(() => setActive(-1), [status]);

  useEffect(() => {
    if (active < 0) return;
    document.getElementById(`${id}-result-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, id]);

  const openResult = (index: number) => {
    const edge = edges[index];
    if (!edge) return;
    setOpen(false);
    router.push(messageLink(edge.node.roomId, edge.node.id));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      if (edges.length === 0) return;
      const last = edges.length - 1;
      if (event.key === 'ArrowDown') setActive((i) => (i >= last ? 0 : i + 1));
      else setActive((i) => (i <= 0 ? last : i - 1));
    } else if (event.key === 'Enter' && open && active >= 0) {
      event.preventDefault();
      openResult(active);
    } else if (event.key === 'Escape') {
      if (open) {
        event.preventDefault();
        setOpen(false);
      } else if (text) {
        event.preventDefault();
        setText('');
      }
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!text.trim()) return;
    setOpen(false);
    router.push(searchLink(text, thisRoom ? roomId : null));
  };

  const expanded = hydrated && open;
  return (
    <form ref={form} role="search" className="search" action="/search" method="get" onSubmit={onSubmit}>
      <label htmlFor={`${id}-input`} className="visually-hidden">
        Search messages
      </label>
      <span className="search-icon" aria-hidden="true">
        ⌕
      </span>
      <input
        ref={input}
        id={`${id}-input`}
        className="search-input"
        name="q"
        type="search"
        placeholder="Search"
        autoComplete="off"
        spellCheck={false}
        enterKeyHint="search"
        role="combobox"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={expanded && active >= 0 ? `${id}-result-${active}` : undefined}
        aria-keyshortcuts="/ Control+K Meta+K"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      <kbd className="search-kbd" aria-hidden="true">
        /
      </kbd>
      <div className="search-panel" hidden={!expanded} data-testid="search-panel">
        <label className="checkbox search-scope">
          <input
            type="checkbox"
            name="room"
            value={roomId}
            checked={thisRoom}
            onChange={(event) => setThisRoom(event.target.checked)}
          />
          This room only <span className="muted">({roomName})</span>
        </label>
        <p
          className="search-status"
          role="status"
          data-kind={status.kind}
          data-testid="search-status"
          data-error={status.kind === 'error' || status.kind === 'unknown-room' || undefined}
        >
          {statusLine(status, searchedRoomName)}
        </p>
        <ul className="search-results" id={listId} role="listbox" aria-label="Search results">
          {edges.map((edge, index) => (
            <li
              key={edge.node.id}
              id={`${id}-result-${index}`}
              className="search-result"
              role="option"
              aria-selected={index === active}
              data-testid="search-result"
              onMouseDown={(event) => event.preventDefault()}
              onMouseMove={() => setActive(index)}
              onClick={() => openResult(index)}
            >
              <SearchResultBody edge={edge} roomLabel={resultRoomLabel(edge.node.roomId, rooms)} now={now} />
            </li>
          ))}
        </ul>
        {status.kind === 'done' && (status.hasNextPage || edges.length > 0) && (
          <div className="search-more">
            {status.hasNextPage && (
              <button type="button" className="quiet-button" onClick={() => void loadMore()} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            )}
            <a href={searchLink(text, thisRoom ? roomId : null)} className="search-all">
              All results on their own page
            </a>
          </div>
        )}
      </div>
    </form>
  );
}
