'use client';

import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';

export interface MenuItem {
  key: string;
  label: string;
  danger?: boolean;
  onSelect: () => void;
}

interface Props {
  /** The button's accessible name, e.g. "Actions for maya". */
  label: string;
  /** What the button shows (an icon); the label when not given. */
  children?: ReactNode;
  items: readonly MenuItem[];
  className?: string;
}

/**
 * A menu button (WAI-ARIA menu pattern): Enter, Space or Down opens it on the first item,
 * Up on the last; arrows, Home and End move, Escape or Tab closes it and focus returns to
 * the button; a click outside closes it.
 */
export function Menu({ label, children, items, className }: Props) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!list.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const show = (at: number) => {
    setActive((at + items.length) % items.length);
    setOpen(true);
  };
  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const onButtonKey = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      show(event.key === 'ArrowDown' ? 0 : -1);
    }
  };

  const onMenuKey = (event: KeyboardEvent) => {
    const moves: Record<string, () => void> = {
      ArrowDown: () => setActive((i) => (i + 1) % items.length),
      ArrowUp: () => setActive((i) => (i - 1 + items.length) % items.length),
      Home: () => setActive(0),
      End: () => setActive(items.length - 1),
      Escape: () => close(),
    };
    if (event.key === 'Tab') return close(false);
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    event.stopPropagation();
    move();
  };

  if (items.length === 0) return null;
  return (
    <span className={`menu ${className ?? ''}`}>
      <button
        ref={button}
        type="button"
        className="icon-button menu-trigger"
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        onClick={() => (open ? close() : show(0))}
        onKeyDown={onButtonKey}
      >
        {children ?? label}
      </button>
      {open && (
        <ul ref={list} id={`${id}-menu`} className="menu-list" role="menu" aria-label={label} onKeyDown={onMenuKey}>
          {items.map((item, index) => (
            <li key={item.key} role="none">
              <button
                type="button"
                role="menuitem"
                tabIndex={index === active ? 0 : -1}
                className={`menu-item${item.danger ? ' menu-item-danger' : ''}`}
                onClick={() => {
                  close();
                  item.onSelect();
                }}
              >
                {item.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
