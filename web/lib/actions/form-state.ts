import type { FieldErrors } from '../errors';

/** What a sign-in or sign-up form shows after a failed attempt. */
export interface AuthFormState {
  errors: FieldErrors<'name' | 'password'>;
  name: string;
}

export const initialAuthState: AuthFormState = { errors: {}, name: '' };

/** What the no-JavaScript composer shows after a failed send. */
export interface SendFormState {
  error?: string;
  text: string;
}

export const initialSendState: SendFormState = { text: '' };
