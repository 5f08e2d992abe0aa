'use client';

import {
  type FormEvent,
  type KeyboardEvent,
  useActionState,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { sendMessageForm } from '@/lib/actions/send';
import { initialSendState } from '@/lib/actions/form-state';
import type { QuotedMessage, User } from '@/lib/chat/types';
import { useMentionCombobox } from '@/lib/chat/use-mention-combobox';
import type { SlowModeRefusal } from '@/lib/chat/use-room-messages';
import { MENTION_LIST_ID, MentionList, mentionOptionId } from './MentionList';
import { ReplyBar } from './ReplyBar';

const MESSAGE_MAX_CHARS = 4_000; // the API's limit, after trimming

interface Props {
  roomId: string;
  roomName: string;
  viewerId: string;
  /** For the JavaScript-free post: one id per rendered form, so a resubmit is not a duplicate. */
  formClientId: string;
  replyTo: QuotedMessage | null;
  members: readonly User[];
  onNeedMembers: () => void;
  onCancelReply: () => void;
  /** Up arrow in the empty composer: edit the viewer's last message. */
  onEditLast: () => void;
  onSend: (text: string, replyTo?: QuotedMessage) => void;
  onTextChange: (text: string) => void;
  onStopTyping: () => void;
  /** Why the viewer cannot send here any more (removed, left); the composer is disabled. */
  disabled?: string;
  /** The last send refused by slow mode: its text comes back, and a countdown runs. */
  slowMode?: SlowModeRefusal | null;
}

/** Whole seconds left until `until`, ticking once a second; 0 once it has passed. */
function useSecondsLeft(until: number | undefined): number {
  const left = () => (until === undefined ? 0 : Math.max(0, Math.ceil((until - Date.now()) / 1000)));
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    setSeconds(left());
    if (until === undefined) return;
    const timer = setInterval(() => {
      const next = left();
      setSeconds(next);
      if (next === 0) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [until]); // `left` reads only `until`
  return seconds;
}

/**
 * Enter sends, Shift+Enter starts a new line, `@` suggests members. With JavaScript the
 * text goes out over urql at once (shown as pending); without it, the same form posts to
 * a server action.
 */
export function Composer(props: Props) {
  const { roomId, roomName, viewerId, formClientId, replyTo, members, onSend, onTextChange, onStopTyping } = props;
  const { disabled, slowMode = null } = props;
  const waitSeconds = useSecondsLeft(slowMode?.until);
  const [formState, formAction, posting] = useActionState(sendMessageForm, initialSendState);
  const [text, setText] = useState(formState.text);
  const [caret, setCaret] = useState(0);
  // Suggestions belong to the text being typed: none while focus is elsewhere.
  const [focused, setFocused] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const placeCaret = useRef<number | null>(null);

  const change = (value: string) => {
    setText(value);
    onTextChange(value);
  };
  const mentions = useMentionCombobox({
    text,
    caret,
    members,
    viewerId,
    onNeedMembers: props.onNeedMembers,
    onComplete: (completed, at) => {
      change(completed);
      setCaret(at);
      placeCaret.current = at;
    },
  });
  // A completed mention moves the caret past the inserted name, once React wrote the text.
  useLayoutEffect(() => {
    if (placeCaret.current === null || !field.current) return;
    field.current.setSelectionRange(placeCaret.current, placeCaret.current);
    placeCaret.current = null;
  });

  // A send refused by slow mode gives its text back, unless something new was typed since.
  useEffect(() => {
    if (!slowMode) return;
    setText((current) => (current.trim() === '' ? slowMode.text : current));
  }, [slowMode]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Still waiting out slow mode: the text stays, the countdown says how long.
    if (text.trim() === '' || disabled || waitSeconds > 0) return;
    onSend(text, replyTo ?? undefined);
    setText('');
    setCaret(0);
    onStopTyping();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing || mentions.onKeyDown(event)) return;
    if (event.key === 'Escape' && replyTo) {
      event.preventDefault();
      props.onCancelReply();
    } else if (event.key === 'ArrowUp' && text === '') {
      event.preventDefault();
      props.onEditLast();
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.current?.requestSubmit();
    }
  };

  const suggesting = mentions.open && focused;
  const activeUser = suggesting ? mentions.users[mentions.active] : undefined;
  return (
    <form ref={form} className="composer" action={formAction} onSubmit={submit} id="composer">
      <input type="hidden" name="roomId" value={roomId} />
      <input type="hidden" name="clientId" value={formClientId} />
      {replyTo && <input type="hidden" name="replyToId" value={replyTo.id} />}
      {replyTo && <ReplyBar quote={replyTo} onCancel={props.onCancelReply} />}
      <label htmlFor="composer-text" className="visually-hidden">
        Message {roomName}
      </label>
      <div className="composer-field">
        {suggesting && <MentionList users={mentions.users} active={mentions.active} onPick={mentions.pick} />}
        <textarea
          ref={field}
          id="composer-text"
          name="text"
          rows={1}
          required
          maxLength={MESSAGE_MAX_CHARS}
          placeholder={disabled ? 'You cannot send messages here' : `Message ${roomName}`}
          disabled={Boolean(disabled)}
          value={text}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={suggesting}
          aria-controls={suggesting ? MENTION_LIST_ID : undefined}
          aria-activedescendant={activeUser ? mentionOptionId(activeUser) : undefined}
          aria-describedby={
            disabled
              ? 'composer-disabled'
              : formState.error
                ? 'composer-error'
                : waitSeconds > 0
                  ? 'composer-slow'
                  : 'composer-hint'
          }
          aria-invalid={formState.error ? true : undefined}
          onChange={(event) => {
            change(event.target.value);
            setCaret(event.target.selectionStart);
          }}
          onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onFocus={() => setFocused(true)}
          onBlur={() => {
            setFocused(false);
            onStopTyping();
          }}
        />
      </div>
      <button type="submit" className="send-button" disabled={posting || Boolean(disabled)}>
        Send
      </button>
      {disabled ? (
        <p id="composer-disabled" className="composer-note visually-hidden">
          {disabled}
        </p>
      ) : waitSeconds > 0 ? (
        <p id="composer-slow" className="composer-note slow-mode-note" data-testid="slow-mode">
          <span aria-hidden="true">Slow mode: you can send again in {waitSeconds} s</span>
          {/* Said once, not every second. */}
          <span className="visually-hidden" role="status">
            Slow mode: you can send again in {Math.ceil((slowMode?.waitMs ?? 0) / 1000)} seconds.
          </span>
        </p>
      ) : formState.error ? (
        <p id="composer-error" className="field-error composer-note" role="alert">
          {formState.error}
        </p>
      ) : (
        <p id="composer-hint" className="composer-note visually-hidden">
          Enter sends, Shift+Enter adds a new line, @ mentions a member, Up edits your last message.
        </p>
      )}
    </form>
  );
}
