'use client';

import { type FormEvent, useId, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation } from '@urql/next';
import { type FieldErrors, fieldErrors } from '@/lib/errors';
import { CreateRoomMutation } from '@/lib/operations/rooms';

/** A new public or private room; the creator joins it and lands in it. */
export function CreateRoomForm() {
  const [{ fetching }, create] = useMutation(CreateRoomMutation);
  const [name, setName] = useState('');
  const [isPrivate, setIsPrivate] = useState(false);
  const [errors, setErrors] = useState<FieldErrors<'name'>>({});
  const router = useRouter();
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({ name: name.trim(), isPrivate });
    const room = result.data?.createRoom;
    if (!room) return setErrors(fieldErrors(result.error, ['name']));
    router.push(`/rooms/${room.id}`);
  };

  return (
    <details className="create-room">
      <summary className="quiet-button">
        <span aria-hidden="true">+</span> New room
      </summary>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>Room name</label>
          <input
            id={`${id}-name`}
            name="name"
            maxLength={64}
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? `${id}-error` : undefined}
          />
          {errors.name && (
            <p id={`${id}-error`} className="field-error">
              {errors.name}
            </p>
          )}
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={isPrivate} onChange={(e) => setIsPrivate(e.target.checked)} />
          Private: only people I invite can see it
        </label>
        {errors.form && (
          <p className="field-error" role="alert">
            {errors.form}
          </p>
        )}
        <button type="submit" className="button" disabled={fetching || name.trim() === ''}>
          {fetching ? 'Creating…' : 'Create room'}
        </button>
      </form>
    </details>
  );
}
