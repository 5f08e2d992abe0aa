'use client';

import { useActionState, useState } from 'react';
import { type DeleteAccountState, deleteAccount } from '@/app/account/actions';
import { Dialog, DialogActions } from '../ui/Dialog';
import { Field } from '../auth/Field';

const initial: DeleteAccountState = { errors: {} };

/**
 * "Delete account": a confirmation dialog that says what happens and asks for the
 * password; the server action signs out and lands on the sign-in page.
 */
export function DeleteAccountSection() {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState(deleteAccount, initial);
  return (
    <section aria-labelledby="delete-title">
      <h2 id="delete-title">Delete account</h2>
      <p className="field-hint">Download your data first if you want to keep it: deleting cannot be undone.</p>
      <button type="button" className="button button-danger" onClick={() => setOpen(true)}>
        Delete account…
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Delete your account?" role="alertdialog">
        <form action={action} className="stack" noValidate>
          <ul>
            <li>
              You leave every room and are signed out on every device; your access tokens and webhooks stop working.
            </li>
            <li>Rooms you alone own pass to their earliest moderator, else their earliest member.</li>
            <li>
              Your messages stay where they are, shown as from a <strong>deleted user</strong>; your display name and
              picture go.
            </li>
            <li>Your name stays reserved so no one can pose as you, and you cannot sign in again.</li>
          </ul>
          <Field
            name="password"
            label="Your password"
            type="password"
            autoComplete="current-password"
            error={state.errors.password}
          />
          <DialogActions
            error={state.errors.form}
            label="Delete my account"
            busyLabel="Deleting…"
            busy={pending}
            danger
            onCancel={() => setOpen(false)}
          />
        </form>
      </Dialog>
    </section>
  );
}
