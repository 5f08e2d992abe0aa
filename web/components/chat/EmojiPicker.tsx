'use client';

import {
  type CSSProperties,
  type KeyboardEvent,
  type RefObject,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { EMOJI, searchEmoji } from '@/lib/chat/emoji-data';
import { loadRecent, pushRecent, saveRecent } from '@/lib/chat/recent-emoji';

/** Buttons per row, for the Up and Down arrows (the CSS grid has as many columns). */
const COLUMNS = 8;

/** Room kept between the picker and the window's edges. */
const EDGE_PX = 8;

interface Props {
  /** The button that opened it: the picker sits below it, or above when there is no room. */
  anchor: RefObject<HTMLElement | null>;
  onPick: (emoji: string) => void;
  onClose: () => void;
}

/**
 * Fixed to the window rather than placed inside the message: the message list scrolls
 * and clips, and a picker opened on the newest message would be cut off below it.
 */
function placeNear(anchor: HTMLElement, picker: HTMLElement): CSSProperties {
  const button = anchor.getBoundingClientRect();
  const { width, height } = picker.getBoundingClientRect();
  const below = button.bottom + EDGE_PX + height <= window.innerHeight;
  const top = below ? button.bottom + 4 : Math.max(EDGE_PX, button.top - 4 - height);
  const left = Math.min(Math.max(EDGE_PX, button.left), window.innerWidth - width - EDGE_PX);
  return { top, left: Math.max(EDGE_PX, left) };
}

const NAMES = new Map(EMOJI.map((e) => [e.emoji, e.name]));

/** Arrow keys move between the emoji buttons of one grid, as in a spreadsheet. */
function moveInGrid(event: KeyboardEvent<HTMLElement>) {
  const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[event.key];
  if (step === undefined) return;
  const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
  const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const next = buttons[index + step];
  if (index === -1 || !next) return;
  event.preventDefault();
  next.focus();
}

/**
 * A small picker: a searchable set of common emoji and this browser's recent ones. A
 * dialog that takes focus into its search field; Escape or a click outside closes it.
 */
export function EmojiPicker({ anchor, onPick, onClose }: Props) {
  const [query, setQuery] = useState('');
  const [recent, setRecent] = useState<string[]>([]);
  const root = useRef<HTMLDivElement>(null);
  // Transparent, not hidden, until placed: a hidden field could not take the focus.
  const [position, setPosition] = useState<CSSProperties>({ opacity: 0 });
  const id = useId();
  useEffect(() => setRecent(loadRecent()), []);
  useLayoutEffect(() => {
    if (anchor.current && root.current) setPosition(placeNear(anchor.current, root.current));
  }, [anchor, recent.length]);
  useEffect(() => root.current?.querySelector<HTMLInputElement>('.emoji-search')?.focus(), []);
  useEffect(() => {
    const outside = (event: Event) => {
      if (!root.current?.contains(event.target as Node)) onClose();
    };
    // A scroll of anything but the picker's own list would leave it floating away from its message.
    document.addEventListener('pointerdown', outside);
    document.addEventListener('scroll', outside, true);
    window.addEventListener('resize', onClose);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('scroll', outside, true);
      window.removeEventListener('resize', onClose);
    };
  }, [onClose]);

  const results = searchEmoji(query);
  const pick = (emoji: string) => {
    const next = pushRecent(recent, emoji);
    saveRecent(next);
    onPick(emoji);
  };
  const grid = (label: string, list: readonly string[]) => (
    <div className="emoji-section" role="group" aria-label={label}>
      <p className="emoji-heading" aria-hidden="true">
        {label}
      </p>
      <div className="emoji-grid" onKeyDown={moveInGrid}>
        {list.map((emoji) => (
          <button
            key={emoji}
            type="button"
            className="emoji-button"
            aria-label={NAMES.get(emoji) ?? emoji}
            title={NAMES.get(emoji)}
            onClick={() => pick(emoji)}
          >
            {emoji}
          </button>
        ))}
      </div>
    </div>
  );

  return (
    <div
      ref={root}
      className="emoji-picker"
      style={position}
      role="dialog"
      aria-label="Choose a reaction"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        onClose();
      }}
    >
      <label htmlFor={`${id}-search`} className="visually-hidden">
        Search emoji
      </label>
      <input
        id={`${id}-search`}
        className="emoji-search"
        type="search"
        placeholder="Search emoji"
        autoComplete="off"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && results[0]) {
            event.preventDefault();
            pick(results[0].emoji);
          } else if (event.key === 'ArrowDown') {
            event.preventDefault();
            root.current?.querySelector<HTMLButtonElement>('.emoji-button')?.focus();
          }
        }}
      />
      <div className="emoji-scroll">
        {query === '' && recent.length > 0 && grid('Recent', recent)}
        {results.length > 0 ? (
          grid(
            query === '' ? 'All' : 'Results',
            results.map((e) => e.emoji),
          )
        ) : (
          <p className="muted emoji-empty">No emoji match “{query}”.</p>
        )}
      </div>
    </div>
  );
}
