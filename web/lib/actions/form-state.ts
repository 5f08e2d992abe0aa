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

export type PasswordField = 'currentPassword' | 'newPassword' | 'confirmPassword';

/** What the change-password form shows after an attempt. */
export interface PasswordFormState {
  errors: FieldErrors<PasswordField>;
  /** Changed: how many other sessions that signed out is not said by the API. */
  changed?: boolean;
}

export const initialPasswordState: PasswordFormState = { errors: {} };

/** What the new-access-token form shows after an attempt. */
export interface TokenFormState {
  errors: FieldErrors<'tokenName'>;
  /** The name tried, kept in the field after a refusal. */
  name: string;
  /** Created: its value, shown this once, and its name. */
  created?: { token: string; name: string };
}

export const initialTokenState: TokenFormState = { errors: {}, name: '' };
