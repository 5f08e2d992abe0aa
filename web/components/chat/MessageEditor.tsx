'use client';

import { useId, useState } from 'react';

const MESSAGE_MAX_CHARS = 4_000; // the API's limit, after trimming

interface Props {
  initial: string;
  onSave: (text: string) => void;
  onCancel: () => void;
}

/** Editing in place: Enter saves, Shift+Enter adds a line, Escape (anywhere in it) cancels. */
export function MessageEditor({ initial, onSave, onCancel }: Props) {
  const [text, setText] = useState(initial);
  const id = useId();
  const empty = text.trim() === '';
  const save = () => !empty && onSave(text);
  return (
    <form
      className="message-editor"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        event.stopPropagation();
        onCancel();
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        Edit message
      </label>
      <textarea
        id={id}
        value={text}
        maxLength={MESSAGE_MAX_CHARS}
        autoFocus
        onFocus={(event) => event.currentTarget.setSelectionRange(text.length, text.length)}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            save();
          }
        }}
      />
      <div className="message-editor-buttons">
        <span className="muted">Escape to cancel, Enter to save</span>
        <button type="button" className="quiet-button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-small" disabled={empty}>
          Save
        </button>
      </div>
    </form>
  );
}
