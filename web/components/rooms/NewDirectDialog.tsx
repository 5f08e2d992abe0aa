'use client';

import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useClient, useMutation } from '@urql/next';
import type { User } from '@/lib/chat/types';
import { type FieldErrors, fieldErrors } from '@/lib/errors';
import { OpenDirectMutation, UsersByPrefixQuery } from '@/lib/operations/rooms';
import { Avatar } from '../chat/Avatar';
import { DialogActions } from '../ui/Dialog';

/** People in a direct room besides the viewer, at most (server/limits.ts DIRECT_MAX_OTHERS). */
const MAX_OTHERS = 8;
const SUGGEST_DELAY_MS = 150;

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Suggestions for what is typed: people by name prefix, without the viewer and those chosen. */
function useUserSuggestions(text: string, viewer: User, chosen: readonly string[]) {
  const client = useClient();
  const [found, setFound] = useState<{ prefix: string; users: User[] }>({ prefix: '', users: [] });
  const prefix = text.trim();
  useEffect(() => {
    if (prefix === '') return;
    let current = true;
    const timer = setTimeout(() => {
      void client
        .query(UsersByPrefixQuery, { prefix }, { requestPolicy: 'network-only' })
        .toPromise()
        .then(({ data }) => current && data && setFound({ prefix, users: data.users }));
    }, SUGGEST_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, prefix]);
  if (prefix === '' || !sameName(found.prefix, prefix)) return [];
  return found.users.filter((u) => u.id !== viewer.id && !chosen.some((name) => sameName(name, u.name)));
}

function DirectForm({
  viewer,
  onDone,
  onCancel,
}: {
  viewer: User;
  onDone: (roomId: string) => void;
  onCancel: () => void;
}) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const [listClosed, setListClosed] = useState(false);
  const [errors, setErrors] = useState<FieldErrors<'userNames'>>({});
  const [{ fetching }, openDirect] = useMutation(OpenDirectMutation);
  const suggestions = useUserSuggestions(text, viewer, chosen);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const listId = `${id}-list`;
  const optionId = (user: User) => `${id}-option-${user.id}`;
  const open = suggestions.length > 0 && !listClosed;
  const current = open ? suggestions[Math.min(active, suggestions.length - 1)] : undefined;
  const full = chosen.length >= MAX_OTHERS;

  useEffect(() => {
    setActive(0);
    setListClosed(false);
  }, [text]);

  const add = (name: string) => {
    const trimmed = name.trim().replace(/^@/, '');
    setText('');
    input.current?.focus();
    if (trimmed === '' || full) return;
    if (sameName(trimmed, viewer.name)) return setErrors({ userNames: 'That is you: choose someone else.' });
    setErrors({});
    setChosen((names) => (names.some((n) => sameName(n, trimmed)) ? names : [...names, trimmed]));
  };

  const remove = (name: string) => {
    setChosen((names) => names.filter((n) => n !== name));
    input.current?.focus();
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const pendingName = text.trim().replace(/^@/, '');
    const names = pendingName && !chosen.some((n) => sameName(n, pendingName)) ? [...chosen, pendingName] : chosen;
    if (names.length === 0) return setErrors({ userNames: 'Choose at least one person.' });
    const result = await openDirect({ userNames: names });
    const room = result.data?.openDirect;
    if (!room) return setErrors(fieldErrors(result.error, ['userNames'], { NOT_FOUND: 'userNames' }));
    onDone(room.id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        if (!open) return;
        setActive((i) => (i + (event.key === 'ArrowDown' ? 1 : -1) + suggestions.length) % suggestions.length);
        break;
      case 'Enter':
        if (current) add(current.name);
        else if (text.trim() !== '') add(text);
        else void submit();
        break;
      case ',':
        if (text.trim() === '') return;
        add(current?.name ?? text);
        break;
      case 'Backspace':
        if (text !== '' || chosen.length === 0) return;
        setChosen((names) => names.slice(0, -1));
        break;
      case 'Escape':
        // The first Escape closes the suggestions; the next one closes the dialog.
        if (!open) return;
        setListClosed(true);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-to`}>To</label>
        <div className="chips-input" onClick={() => input.current?.focus()}>
          {chosen.length > 0 && (
            <ul className="chips" aria-label="Chosen people">
              {chosen.map((name) => (
                <li key={name} className="chip">
                  <span>{name}</span>
                  <button
                    type="button"
                    className="chip-remove"
                    aria-label={`Remove ${name}`}
                    onClick={() => remove(name)}
                  >
                    <span aria-hidden="true">✕</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <input
            ref={input}
            id={`${id}-to`}
            autoFocus
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={open}
            aria-controls={listId}
            aria-activedescendant={current ? optionId(current) : undefined}
            aria-invalid={errors.userNames ? true : undefined}
            aria-describedby={`${id}-hint${errors.userNames ? ` ${id}-error` : ''}`}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            placeholder={full ? '' : chosen.length > 0 ? 'Add someone else' : 'Type a name'}
            disabled={full}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
          />
        </div>
        <ul className="mention-list dm-suggestions" id={listId} role="listbox" aria-label="People" hidden={!open}>
          {open &&
            suggestions.map((user) => (
              <li
                key={user.id}
                id={optionId(user)}
                role="option"
                aria-selected={user.id === current?.id}
                className="mention-option"
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => add(user.name)}
              >
                <Avatar user={user} size="sm" />
                {user.name}
              </li>
            ))}
        </ul>
        <p id={`${id}-hint`} className="field-hint">
          Up to {MAX_OTHERS} people. Enter adds a name; Enter on an empty field opens the conversation.
        </p>
        {errors.userNames && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {errors.userNames}
          </p>
        )}
      </div>
      <DialogActions error={errors.form} label="Open" busyLabel="Opening…" busy={fetching} onCancel={onCancel} />
    </form>
  );
}

/**
 * "New message": a modal dialog (the browser's <dialog>: focus stays inside, Escape
 * closes it, focus returns to the button) to choose one or more people and open the
 * direct room of them and the viewer.
 */
export function NewDirectDialog({ viewer, onOpened }: { viewer: User; onOpened: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  // A fresh form each time the dialog opens.
  const [generation, setGeneration] = useState(0);
  const router = useRouter();
  const id = useId();

  const show = () => {
    setGeneration((n) => n + 1);
    dialog.current?.showModal();
    dialog.current?.querySelector<HTMLInputElement>('input')?.focus();
  };
  const close = () => dialog.current?.close();

  return (
    <>
      <button
        type="button"
        className="icon-button icon-button-small"
        aria-label="New message"
        aria-haspopup="dialog"
        title="New message"
        onClick={show}
      >
        <span aria-hidden="true">+</span>
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby={`${id}-title`}
        onClick={(event) => event.target === dialog.current && close()}
      >
        <div className="dialog-body">
          <h2 id={`${id}-title`} className="dialog-title">
            New message
          </h2>
          {
            <DirectForm
              key={generation}
              viewer={viewer}
              onCancel={close}
              onDone={(roomId) => {
                close();
                onOpened();
                router.push(`/rooms/${encodeURIComponent(roomId)}`);
              }}
            />
          }
        </div>
      </dialog>
    </>
  );
}
