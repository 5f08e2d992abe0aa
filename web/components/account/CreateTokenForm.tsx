'use client';

import { useActionState } from 'react';
import { createAccessToken } from '@/lib/actions/account';
import { initialTokenState } from '@/lib/actions/form-state';
import { Field } from '../auth/Field';
import { ShownOnce } from '../ui/ShownOnce';

/** A new access token, through a server action (works without JavaScript); its value is shown once. */
export function CreateTokenForm() {
  const [state, action, pending] = useActionState(createAccessToken, initialTokenState);
  return (
    <>
      {state.created && (
        <div className="stack">
          <p className="success" role="status">
            Token {state.created.name} created.
          </p>
          <ShownOnce label={`Token ${state.created.name}`} value={state.created.token} testId="new-token" />
        </div>
      )}
      <form action={action} className="inline-form" noValidate>
        <Field
          name="tokenName"
          label="New token's name"
          maxLength={64}
          autoComplete="off"
          placeholder="e.g. deploy script"
          hint="Say what will use it, so you know which to revoke."
          defaultValue={state.name}
          error={state.errors.tokenName}
        />
        <button type="submit" className="button button-small" disabled={pending}>
          {pending ? 'Creating…' : 'Create token'}
        </button>
      </form>
    </>
  );
}
