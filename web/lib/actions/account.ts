'use server';

import { redirect } from 'next/navigation';
import { fieldErrors } from '../errors';
import { ChangePasswordMutation, RevokeSessionMutation, SignOutOthersMutation } from '../operations/account';
import { requestClient } from '../server/api';
import { sessionToken } from '../server/session';
import type { PasswordFormState } from './form-state';

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
