import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { ChatScreen } from '@/components/chat/ChatScreen';
import { UrqlRoot } from '@/components/urql/UrqlRoot';
import { errorCode, errorMessage } from '@/lib/errors';
import { MessagePageQuery, MessagesAroundQuery, RoomViewQuery } from '@/lib/operations/messages';
import { SidebarQuery } from '@/lib/operations/rooms';
import { requestClient } from '@/lib/server/api';
import { sessionToken } from '@/lib/server/session';

interface Params {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `#${(await params).id}` };
}

/** Message ids are opaque to the web UI, but never long or multi-line. */
function messageParam(value: string | string[] | undefined): string | null {
  const id = Array.isArray(value) ? value[0] : value;
  return id && id.length <= 200 && !/\s/.test(id) ? id : null;
}

/**
 * A room, rendered on the server with the user's token: the latest 50 messages are in the
 * HTML (readable without JavaScript), and the results travel to the browser's urql client
 * as ssrData, so hydration does not fetch them again. With `?around=<messageId>` (a search
 * result) the 50 around that message instead, and `#message-<id>` scrolls to it even
 * without JavaScript.
 */
export default async function RoomPage({ params, searchParams }: Params) {
  const { id } = await params;
  const requested = messageParam((await searchParams).around);
  if (!(await sessionToken())) redirect('/signin');
  const { client, ssr } = await requestClient();
  // Exactly the operations (and variables) the client components read, so every one of
  // them is found in ssrData.
  const [sidebar, view, centred] = await Promise.all([
    client.query(SidebarQuery, {}).toPromise(),
    client.query(RoomViewQuery, { id }).toPromise(),
    requested ? client.query(MessagesAroundQuery, { id, around: requested }).toPromise() : null,
  ]);
  if (errorCode(sidebar.error) === 'UNAUTHENTICATED' || (sidebar.data && !sidebar.data.me)) redirect('/signin');
  // A message that is not there (deleted since, or of another room): the latest page, and a notice.
  const found = centred?.data?.room?.messages.edges.some((e) => e.node.id === requested) ?? false;
  const around = found ? requested : null;
  const history = around ? centred : await client.query(MessagePageQuery, { id, before: null }).toPromise();
  if (!sidebar.data || !view.data || !history?.data) {
    throw new Error(errorMessage(sidebar.error ?? view.error ?? history?.error));
  }
  // A private room of others reads as missing, exactly like a room that does not exist.
  if (!view.data.room) notFound();
  return (
    // Keyed by the message: a navigation that changes only `?around=` keeps this page's
    // components, and a new stretch needs a new client holding the new ssrData.
    <UrqlRoot key={around ?? ''} ssrData={ssr.extractData()}>
      <ChatScreen
        roomId={id}
        around={around}
        aroundMissing={requested !== null && !found}
        renderedAt={Date.now()}
        formClientId={crypto.randomUUID()}
      />
    </UrqlRoot>
  );
}
