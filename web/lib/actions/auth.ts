'use server';

import { redirect } from 'next/navigation';
import { fieldErrors } from '../errors';
import { SignInMutation, SignOutMutation, SignUpMutation } from '../operations/auth';
import { requestClient } from '../server/api';
import { clearSession, sessionToken, setSession } from '../server/session';
import type { AuthFormState } from './form-state';

function credentials(form: FormData) {
  return { name: String(form.get('name') ?? '').trim(), password: String(form.get('password') ?? '') };
}

export async function signUp(_previous: AuthFormState, form: FormData): Promise<AuthFormState> {
  const variables = credentials(form);
  const { client } = await requestClient();
  const result = await client.mutation(SignUpMutation, variables).toPromise();
  const token = result.data?.signUp.token;
  if (!token) return { name: variables.name, errors: fieldErrors(result.error, ['name', 'password']) };
  await setSession(token);
  redirect('/');
}

export async function signIn(_previous: AuthFormState, form: FormData): Promise<AuthFormState> {
  const variables = credentials(form);
  const { client } = await requestClient();
  const result = await client.mutation(SignInMutation, variables).toPromise();
  const token = result.data?.signIn.token;
  if (!token) return { name: variables.name, errors: fieldErrors(result.error, ['name', 'password']) };
  await setSession(token);
  redirect('/');
}

/** Revokes the token on the API (which also closes its sockets) and forgets it here. */
export async function signOut(): Promise<void> {
  if (await sessionToken()) {
    const { client } = await requestClient();
    await client.mutation(SignOutMutation, {}).toPromise();
  }
  await clearSession();
  redirect('/signin');
}
