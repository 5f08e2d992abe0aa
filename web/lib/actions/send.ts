'use server';

import { redirect } from 'next/navigation';
import { errorCode, errorMessage } from '../errors';
import { SendMessageMutation } from '../operations/messages';
import { requestClient } from '../server/api';
import type { SendFormState } from './form-state';

/**
 * The composer without JavaScript: a plain form post. The form carries a clientId made
 * when the page was rendered, so posting the same form twice stores one message.
 */
export async function sendMessageForm(_previous: SendFormState, form: FormData): Promise<SendFormState> {
  const roomId = String(form.get('roomId') ?? '');
  const text = String(form.get('text') ?? '');
  const clientId = String(form.get('clientId') ?? '') || null;
  const replyToId = String(form.get('replyToId') ?? '') || null;
  const { client } = await requestClient();
  const result = await client.mutation(SendMessageMutation, { roomId, text, clientId, replyToId }).toPromise();
  if (errorCode(result.error) === 'UNAUTHENTICATED') redirect('/signin');
  if (!result.data) return { text, error: errorMessage(result.error) };
  redirect(`/rooms/${encodeURIComponent(roomId)}`);
}
