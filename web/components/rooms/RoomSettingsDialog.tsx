'use client';

import { type FormEvent, useId, useState } from 'react';
import { useMutation } from '@urql/next';
import { SLOW_MODE_CHOICES, slowModeLabel } from '@/lib/chat/moderation';
import { type FieldErrors, fieldErrors } from '@/lib/errors';
import { UpdateRoomMutation } from '@/lib/operations/moderation';
import { Dialog, DialogActions } from '../ui/Dialog';
import { WebhooksSection } from './WebhooksSection';

type Field = 'name' | 'topic' | 'slowModeSeconds';
const FIELDS: readonly Field[] = ['name', 'topic', 'slowModeSeconds'];
const TOPIC_MAX_CHARS = 250;

interface Props {
  open: boolean;
  onClose: () => void;
  room: { id: string; name: string; topic?: string | null; slowModeSeconds: number };
}

/**
 * Owners and moderators: the room's name, topic and slow mode (only what changed is
 * sent), and its incoming webhooks.
 */
export function RoomSettingsDialog({ open, onClose, room }: Props) {
  return (
    <Dialog open={open} onClose={onClose} title="Room settings" className="settings-dialog">
      {/* A fresh form each time it opens, with the room as it is now. */}
      {open && <SettingsForm room={room} onDone={onClose} />}
      {open && <WebhooksSection roomId={room.id} />}
      {open && (
        <section className="stack" aria-labelledby="room-export-title">
          <h3 id="room-export-title" className="settings-section-title">
            Export
          </h3>
          <p className="field-hint">Every message of the room with its author, as one JSON file.</p>
          <a
            className="button button-quiet"
            href={`/export/rooms/${encodeURIComponent(room.id)}.json`}
            download
            data-testid="export-room"
          >
            Export room (JSON)
          </a>
        </section>
      )}
    </Dialog>
  );
}

function SettingsForm({ room, onDone }: { room: Props['room']; onDone: () => void }) {
  const [{ fetching }, update] = useMutation(UpdateRoomMutation);
  const [name, setName] = useState(room.name);
  const [topic, setTopic] = useState(room.topic ?? '');
  const [slow, setSlow] = useState(room.slowModeSeconds);
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const id = useId();
  const choices = SLOW_MODE_CHOICES.includes(room.slowModeSeconds)
    ? SLOW_MODE_CHOICES
    : [...SLOW_MODE_CHOICES, room.slowModeSeconds].sort((a, b) => a - b);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const changes = {
      ...(name.trim() !== room.name && { name: name.trim() }),
      ...(topic.trim() !== (room.topic ?? '') && { topic: topic.trim() }),
      ...(slow !== room.slowModeSeconds && { slowModeSeconds: slow }),
    };
    if (Object.keys(changes).length === 0) return onDone();
    const result = await update({ id: room.id, ...changes });
    if (result.data) return onDone();
    setErrors(fieldErrors(result.error, FIELDS));
  };

  const described = (field: Field) => (errors[field] ? `${id}-${field}-error` : undefined);
  const error = (field: Field) =>
    errors[field] && (
      <p id={`${id}-${field}-error`} className="field-error">
        {errors[field]}
      </p>
    );

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={name}
          required
          maxLength={64}
          autoComplete="off"
          onChange={(e) => setName(e.target.value)}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={described('name')}
        />
        {error('name')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-topic`}>Topic</label>
        <input
          id={`${id}-topic`}
          value={topic}
          maxLength={TOPIC_MAX_CHARS}
          autoComplete="off"
          placeholder="What this room is about"
          onChange={(e) => setTopic(e.target.value)}
          aria-invalid={errors.topic ? true : undefined}
          aria-describedby={described('topic') ?? `${id}-topic-hint`}
        />
        <p id={`${id}-topic-hint`} className="field-hint">
          Shown under the room&apos;s name. Leave empty for none.
        </p>
        {error('topic')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-slow`}>Slow mode</label>
        <select
          id={`${id}-slow`}
          value={slow}
          onChange={(e) => setSlow(Number(e.target.value))}
          aria-invalid={errors.slowModeSeconds ? true : undefined}
          aria-describedby={described('slowModeSeconds') ?? `${id}-slow-hint`}
        >
          {choices.map((seconds) => (
            <option key={seconds} value={seconds}>
              {seconds === 0 ? 'Off' : slowModeLabel(seconds)}
            </option>
          ))}
        </select>
        <p id={`${id}-slow-hint`} className="field-hint">
          How long members wait between messages. Owners and moderators never wait.
        </p>
        {error('slowModeSeconds')}
      </div>
      <DialogActions error={errors.form} label="Save" busyLabel="Saving…" busy={fetching} onCancel={onDone} />
    </form>
  );
}
