'use client';

import { type FormEvent, type KeyboardEvent, useActionState, useRef, useState } from 'react';
import { sendMessageForm } from '@/lib/actions/send';
import { initialSendState } from '@/lib/actions/form-state';

const MESSAGE_MAX_CHARS = 4_000; // the API's limit, after trimming

interface Props {
  roomId: string;
  roomName: string;
  /** For the JavaScript-free post: one id per rendered form, so a resubmit is not a duplicate. */
  formClientId: string;
  onSend: (text: string) => void;
  onTextChange: (text: string) => void;
  onStopTyping: () => void;
}

/**
 * Enter sends, Shift+Enter starts a new line. With JavaScript the text goes out over
 * urql at once (shown as pending); without it, the same form posts to a server action.
 */
export function Composer({ roomId, roomName, formClientId, onSend, onTextChange, onStopTyping }: Props) {
  const [formState, formAction, posting] = useActionState(sendMessageForm, initialSendState);
  const [text, setText] = useState(formState.text);
  const form = useRef<HTMLFormElement>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (text.trim() === '') return;
    onSend(text);
    setText('');
    onStopTyping();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    form.current?.requestSubmit();
  };

  return (
    <form ref={form} className="composer" action={formAction} onSubmit={submit} id="composer">
      <input type="hidden" name="roomId" value={roomId} />
      <input type="hidden" name="clientId" value={formClientId} />
      <label htmlFor="composer-text" className="visually-hidden">
        Message {roomName}
      </label>
      <textarea
        id="composer-text"
        name="text"
        rows={1}
        required
        maxLength={MESSAGE_MAX_CHARS}
        placeholder={`Message ${roomName}`}
        value={text}
        aria-describedby={formState.error ? 'composer-error' : 'composer-hint'}
        aria-invalid={formState.error ? true : undefined}
        onChange={(event) => {
          setText(event.target.value);
          onTextChange(event.target.value);
        }}
        onKeyDown={onKeyDown}
        onBlur={onStopTyping}
      />
      <button type="submit" className="send-button" disabled={posting}>
        Send
      </button>
      {formState.error ? (
        <p id="composer-error" className="field-error composer-note" role="alert">
          {formState.error}
        </p>
      ) : (
        <p id="composer-hint" className="composer-note visually-hidden">
          Enter sends, Shift+Enter adds a new line.
        </p>
      )}
    </form>
  );
}
