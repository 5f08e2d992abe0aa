'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { fieldErrors } from '../errors';
import { nameProblem } from '../integrations/labels';
import {
  ChangePasswordMutation,
  CreateAccessTokenMutation,
  RevokeAccessTokenMutation,
  RevokeSessionMutation,
  SignOutOthersMutation,
} from '../operations/account';
import { requestClient } from '../server/api';
import { sessionToken } from '../server/session';
import type { PasswordFormState, TokenFormState } from './form-state';

async function signedInClient() {
  if (!(await sessionToken())) redirect('/signin');
  return (await requestClient()).client;
}

/**
 * Changes the password (the current one must be right: FORBIDDEN otherwise, shown beside
 * it). The API signs every other session out; this one, the cookie's, stays.
 */
export async function changePassword(_previous: PasswordFormState, form: FormData): Promise<PasswordFormState> {
  const currentPassword = String(form.get('currentPassword') ?? '');
  const newPassword = String(form.get('newPassword') ?? '');
  const confirmPassword = String(form.get('confirmPassword') ?? '');
  if (!currentPassword) return { errors: { currentPassword: 'Enter your current password.' } };
  if (newPassword !== confirmPassword) return { errors: { confirmPassword: 'The two new passwords differ.' } };
  const client = await signedInClient();
  const result = await client.mutation(ChangePasswordMutation, { currentPassword, newPassword }).toPromise();
  if (result.data?.changePassword) return { errors: {}, changed: true };
  return { errors: fieldErrors(result.error, ['currentPassword', 'newPassword'], { FORBIDDEN: 'currentPassword' }) };
}

/** Signs one other session out (its sockets close), then shows the list again. */
export async function revokeSession(form: FormData): Promise<void> {
  const id = String(form.get('id') ?? '');
  const client = await signedInClient();
  const result = await client.mutation(RevokeSessionMutation, { id }).toPromise();
  redirect(result.data?.revokeSession ? '/account?notice=revoked' : '/account?notice=failed');
}

/** Signs out every session of the viewer's but this one. */
export async function signOutOthers(): Promise<void> {
  const client = await signedInClient();
  const result = await client.mutation(SignOutOthersMutation, {}).toPromise();
  const count = result.data?.signOutOthers;
  redirect(count === undefined ? '/account?notice=failed' : `/account?notice=others&count=${count}`);
}

/**
 * A new personal access token. Its value comes back in the form's state, never in an
 * address (which would keep it in history and logs), and the list is rendered again.
 */
export async function createAccessToken(_previous: TokenFormState, form: FormData): Promise<TokenFormState> {
  const name = String(form.get('tokenName') ?? '').trim();
  const problem = nameProblem(name);
  if (problem) return { errors: { tokenName: problem }, name };
  const client = await signedInClient();
  const result = await client.mutation(CreateAccessTokenMutation, { name }).toPromise();
  const created = result.data?.createAccessToken;
  if (!created) {
    const errors = fieldErrors(result.error, ['name']);
    return { errors: { tokenName: errors.name ?? errors.form }, name };
  }
  revalidatePath('/account');
  return { errors: {}, name: '', created: { token: created.token, name: created.accessToken.name } };
}

/** Revokes one access token, on every node at once. */
export async function revokeAccessToken(form: FormData): Promise<void> {
  const id = String(form.get('id') ?? '');
  const client = await signedInClient();
  const result = await client.mutation(RevokeAccessTokenMutation, { id }).toPromise();
  redirect(result.data?.revokeAccessToken ? '/account?notice=token-revoked' : '/account?notice=failed');
}
