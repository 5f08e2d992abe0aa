'use client';

import {
  type ClipboardEvent,
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
import type { Message, QuotedMessage, User } from '@/lib/chat/types';
import { useMentionCombobox } from '@/lib/chat/use-mention-combobox';
import type { SlowModeRefusal } from '@/lib/chat/use-room-messages';
import { useHydrated } from '@/lib/chat/use-hydrated';
import { FILES_PER_MESSAGE_MAX, FILE_MAX_BYTES, formatBytes, pastedFileName } from '@/lib/upload';
import { AttachmentTray } from './AttachmentTray';
import type { useAttachmentDrafts } from './use-attachment-drafts';
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
  onSend: (text: string, replyTo?: QuotedMessage, attachments?: Message['attachments']) => void;
  /** The files of the message being written (the room takes dropped files into them too). */
  files: ReturnType<typeof useAttachmentDrafts>;
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
  const picker = useRef<HTMLInputElement>(null);
  const hydrated = useHydrated();
  const { files } = props;
  const [waitNote, setWaitNote] = useState<string>();
  // Send was pressed while files were still uploading: the message goes once they are.
  const [queued, setQueued] = useState(false);

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
    files.restore(slowMode.attachments ?? []);
  }, [slowMode]); // `files.restore` is stable

  const failedFile = files.drafts.some((d) => d.status === 'failed');
  const submit = (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault();
    // Still waiting out slow mode: the text stays, the countdown says how long.
    if (disabled || waitSeconds > 0) return;
    if (!files.ready) {
      // The message waits for its files; it never goes without one the viewer added.
      if (failedFile) setWaitNote('A file was not uploaded: retry or remove it, then send.');
      else {
        setQueued(true);
        setWaitNote('Sending once your files are uploaded.');
      }
      return;
    }
    setQueued(false);
    const attachments = files.attachments;
    if (text.trim() === '' && attachments.length === 0) return;
    onSend(text, replyTo ?? undefined, attachments);
    files.clear();
    setWaitNote(undefined);
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

  // A pasted image (a screenshot) is a file of the message; pasted text stays text.
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const pasted = Array.from(event.clipboardData.files);
    if (pasted.length === 0) return;
    if (!event.clipboardData.types.includes('text/plain')) event.preventDefault();
    const now = new Date();
    files.add(
      pasted.map((file) =>
        file.name && file.name !== 'image.png'
          ? file
          : new File([file], pastedFileName(file.type, now), { type: file.type }),
      ),
    );
  };

  // A queued message goes when its last file is uploaded (or removed); a failure stops it.
  useEffect(() => {
    if (files.ready) {
      setWaitNote(undefined);
      if (queued) submit();
    } else if (queued && failedFile) {
      setQueued(false);
      setWaitNote('A file was not uploaded: retry or remove it, then send.');
    }
  }, [files.ready, failedFile]); // `submit` and `queued` are read as they are when a file settles

  const hasFiles = files.drafts.length > 0;
  const suggesting = mentions.open && focused;
  const activeUser = suggesting ? mentions.users[mentions.active] : undefined;
  return (
    <form ref={form} className="composer" action={formAction} onSubmit={submit} id="composer">
      <input type="hidden" name="roomId" value={roomId} />
      <input type="hidden" name="clientId" value={formClientId} />
      {replyTo && <input type="hidden" name="replyToId" value={replyTo.id} />}
      {replyTo && <ReplyBar quote={replyTo} onCancel={props.onCancelReply} />}
      <AttachmentTray
        drafts={files.drafts}
        refused={files.refused}
        onRemove={files.remove}
        onRetry={files.retry}
        onDismissRefused={files.dismissRefused}
      />
      <label htmlFor="composer-text" className="visually-hidden">
        Message {roomName}
      </label>
      {hydrated && !disabled && (
        <>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            id="composer-files"
            data-testid="composer-files"
            onChange={(event) => {
              files.add(Array.from(event.target.files ?? []));
              event.target.value = ''; // the same file can be chosen again
            }}
          />
          <button
            type="button"
            className="icon-button attach-button"
            aria-label="Attach files"
            aria-describedby="composer-files-hint"
            onClick={() => picker.current?.click()}
          >
            <svg viewBox="0 0 16 16" width="18" height="18" aria-hidden="true">
              <path
                d="M10.5 4.5 5.6 9.4a1.5 1.5 0 0 0 2.1 2.1l5-5a3 3 0 0 0-4.2-4.2l-5 5a4.5 4.5 0 0 0 6.4 6.4l4.1-4.2"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.4"
                strokeLinecap="round"
              />
            </svg>
          </button>
          <p id="composer-files-hint" className="visually-hidden">
            Up to {FILES_PER_MESSAGE_MAX} files of at most {formatBytes(FILE_MAX_BYTES)} each. You can also drop files
            on the room or paste an image.
          </p>
        </>
      )}
      <div className="composer-field">
        {suggesting && <MentionList users={mentions.users} active={mentions.active} onPick={mentions.pick} />}
        <textarea
          ref={field}
          id="composer-text"
          name="text"
          rows={1}
          required={!hasFiles}
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
              : waitSeconds > 0
                ? 'composer-slow'
                : waitNote
                  ? 'composer-wait'
                  : formState.error
                    ? 'composer-error'
                    : 'composer-hint'
          }
          aria-invalid={formState.error ? true : undefined}
          onChange={(event) => {
            change(event.target.value);
            setCaret(event.target.selectionStart);
          }}
          onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
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
      ) : waitNote ? (
        <p
          id="composer-wait"
          className={queued ? 'composer-note muted' : 'composer-note field-error'}
          role={queued ? 'status' : 'alert'}
        >
          {waitNote}
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
