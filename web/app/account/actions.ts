'use server';

import { redirect } from 'next/navigation';
import { fieldErrors } from '@/lib/errors';
import { requestClient } from '@/lib/server/api';
import { clearSession, sessionToken } from '@/lib/server/session';
import { DeleteAccountMutation } from './operations';

export interface DeleteAccountState {
  readonly errors: { password?: string; form?: string };
}

/**
 * Deletes the account (the password must be right: FORBIDDEN otherwise, shown beside
 * it). The API signs every device out; this one's cookie goes too, and the sign-in page
 * says what happened.
 */
export async function deleteAccount(_previous: DeleteAccountState, form: FormData): Promise<DeleteAccountState> {
  const password = String(form.get('password') ?? '');
  if (!password) return { errors: { password: 'Enter your password to delete your account.' } };
  if (!(await sessionToken())) redirect('/signin');
  const { client } = await requestClient();
  const result = await client.mutation(DeleteAccountMutation, { password }).toPromise();
  if (!result.data?.deleteAccount)
    return { errors: fieldErrors(result.error, ['password'], { FORBIDDEN: 'password' }) };
  await clearSession();
  redirect('/signin?notice=account-deleted');
}
