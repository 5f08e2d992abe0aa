import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { DEFAULT_ROOM, LAST_ROOM_COOKIE } from '@/lib/cookies';
import { errorMessage } from '@/lib/errors';
import { HomeRoomQuery } from '@/lib/operations/rooms';
import { requestClient } from '@/lib/server/api';
import { sessionToken } from '@/lib/server/session';

/** `/`: the last room the user opened, if they can still see it, else general. */
export default async function Home(): Promise<never> {
  if (!(await sessionToken())) redirect('/signin');
  const last = (await cookies()).get(LAST_ROOM_COOKIE)?.value ?? DEFAULT_ROOM;
  const { client } = await requestClient();
  const { data, error } = await client.query(HomeRoomQuery, { id: last }).toPromise();
  if (!data) throw new Error(errorMessage(error));
  if (!data.me) redirect('/signin');
  redirect(`/rooms/${encodeURIComponent(data.room?.id ?? DEFAULT_ROOM)}`);
}
