import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { ChatScreen } from '@/components/chat/ChatScreen';
import { UrqlRoot } from '@/components/urql/UrqlRoot';
import { errorCode, errorMessage } from '@/lib/errors';
import { MessagePageQuery, RoomViewQuery } from '@/lib/operations/messages';
import { SidebarQuery } from '@/lib/operations/rooms';
import { requestClient } from '@/lib/server/api';
import { sessionToken } from '@/lib/server/session';

interface Params {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `#${(await params).id}` };
}

/**
 * A room, rendered on the server with the user's token: the latest 50 messages are in the
 * HTML (readable without JavaScript), and the results travel to the browser's urql client
 * as ssrData, so hydration does not fetch them again.
 */
export default async function RoomPage({ params }: Params) {
  const { id } = await params;
  if (!(await sessionToken())) redirect('/signin');
  const { client, ssr } = await requestClient();
  // Exactly the operations (and variables) the client components read, so every one of
  // them is found in ssrData.
  const [sidebar, view, history] = await Promise.all([
    client.query(SidebarQuery, {}).toPromise(),
    client.query(RoomViewQuery, { id }).toPromise(),
    client.query(MessagePageQuery, { id, before: null }).toPromise(),
  ]);
  if (errorCode(sidebar.error) === 'UNAUTHENTICATED' || (sidebar.data && !sidebar.data.me)) redirect('/signin');
  if (!sidebar.data || !view.data || !history.data) {
    throw new Error(errorMessage(sidebar.error ?? view.error ?? history.error));
  }
  // A private room of others reads as missing, exactly like a room that does not exist.
  if (!view.data.room) notFound();
  return (
    <UrqlRoot ssrData={ssr.extractData()}>
      <ChatScreen roomId={id} renderedAt={Date.now()} formClientId={crypto.randomUUID()} />
    </UrqlRoot>
  );
}
