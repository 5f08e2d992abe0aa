'use client';

import { useActionState } from 'react';
import Link from 'next/link';
import { signIn, signUp } from '@/lib/actions/auth';
import { initialAuthState } from '@/lib/actions/form-state';
import { Field } from './Field';

const COPY = {
  signin: {
    title: 'Sign in',
    submit: 'Sign in',
    busy: 'Signing in…',
    switchText: 'New here?',
    switchLink: 'Create an account',
    switchHref: '/signup',
  },
  signup: {
    title: 'Create your account',
    submit: 'Sign up',
    busy: 'Creating account…',
    switchText: 'Already have an account?',
    switchLink: 'Sign in',
    switchHref: '/signin',
  },
} as const;

/** Sign in or sign up through a server action, which sets the httpOnly session cookie. Works without JavaScript. */
export function AuthForm({ mode }: { mode: 'signin' | 'signup' }) {
  const [state, action, pending] = useActionState(mode === 'signin' ? signIn : signUp, initialAuthState);
  const copy = COPY[mode];
  return (
    <form action={action} className="auth-card stack" noValidate>
      <h1 className="auth-title">{copy.title}</h1>
      {state.errors.form && (
        <p className="field-error form-error" role="alert">
          {state.errors.form}
        </p>
      )}
      <Field
        name="name"
        label="Name"
        autoComplete="username"
        defaultValue={state.name}
        hint={mode === 'signup' ? '2–32 letters, digits, “_”, “-” or “.”' : undefined}
        error={state.errors.name}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
        hint={mode === 'signup' ? 'At least 8 characters' : undefined}
        error={state.errors.password}
      />
      <button type="submit" className="button button-wide" disabled={pending}>
        {pending ? copy.busy : copy.submit}
      </button>
      <p className="auth-switch">
        {copy.switchText} <Link href={copy.switchHref}>{copy.switchLink}</Link>
      </p>
    </form>
  );
}
