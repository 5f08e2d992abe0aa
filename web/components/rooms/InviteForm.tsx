'use client';

import { type FormEvent, useId, useState } from 'react';
import { useMutation } from '@urql/next';
import { type FieldErrors, fieldErrors } from '@/lib/errors';
import { InviteMutation } from '@/lib/operations/rooms';

/** Adds someone to a private room by user name (members only; the API checks). */
export function InviteForm({ roomId, roomName }: { roomId: string; roomName: string }) {
  const [{ fetching }, invite] = useMutation(InviteMutation);
  const [userName, setUserName] = useState('');
  const [errors, setErrors] = useState<FieldErrors<'userName'>>({});
  const [invited, setInvited] = useState<string>();
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const name = userName.trim();
    const result = await invite({ roomId, userName: name });
    if (result.data) {
      setErrors({});
      setInvited(name);
      setUserName('');
    } else {
      setInvited(undefined);
      setErrors(fieldErrors(result.error, ['userName'], { NOT_FOUND: 'userName' }));
    }
  };

  return (
    <details className="popover invite">
      <summary className="button button-small button-quiet">Invite</summary>
      <form className="popover-panel stack" onSubmit={submit} noValidate>
        <h2 className="popover-title">Invite to {roomName}</h2>
        <div className="field">
          <label htmlFor={`${id}-user`}>User name</label>
          <input
            id={`${id}-user`}
            name="userName"
            autoComplete="off"
            required
            value={userName}
            onChange={(e) => setUserName(e.target.value)}
            aria-invalid={errors.userName ? true : undefined}
            aria-describedby={errors.userName ? `${id}-error` : undefined}
          />
          {errors.userName && (
            <p id={`${id}-error`} className="field-error">
              {errors.userName}
            </p>
          )}
        </div>
        {errors.form && (
          <p className="field-error" role="alert">
            {errors.form}
          </p>
        )}
        {invited && (
          <p className="success" role="status">
            {invited} can now see {roomName}.
          </p>
        )}
        <button type="submit" className="button" disabled={fetching || userName.trim() === ''}>
          {fetching ? 'Inviting…' : 'Invite'}
        </button>
      </form>
    </details>
  );
}
