'use client';

import { useActionState, useEffect, useRef } from 'react';
import { changePassword } from '@/lib/actions/account';
import { initialPasswordState } from '@/lib/actions/form-state';
import { Field } from '../auth/Field';

/** Current, new and confirmed password, through a server action: works without JavaScript. */
export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePassword, initialPasswordState);
  const form = useRef<HTMLFormElement>(null);
  // Passwords are never kept in the fields once changed.
  useEffect(() => {
    if (state.changed) form.current?.reset();
  }, [state]);
  return (
    <form ref={form} action={action} className="stack" noValidate aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      {state.errors.form && (
        <p className="field-error form-error" role="alert">
          {state.errors.form}
        </p>
      )}
      {state.changed && (
        <p className="success" role="status">
          Your password was changed. Every other device was signed out.
        </p>
      )}
      <Field
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        error={state.errors.currentPassword}
      />
      <Field
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        minLength={8}
        hint="At least 8 characters"
        error={state.errors.newPassword}
      />
      <Field
        name="confirmPassword"
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        error={state.errors.confirmPassword}
      />
      <div>
        <button type="submit" className="button" disabled={pending}>
          {pending ? 'Changing…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
