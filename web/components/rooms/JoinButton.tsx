'use client';

import { useState } from 'react';
import { useMutation } from '@urql/next';
import { errorMessage } from '@/lib/errors';
import { JoinRoomMutation } from '@/lib/operations/rooms';

/** Joins a public room. The answer is a Room, so the document cache refetches the sidebar and header. */
export function JoinButton({ roomId }: { roomId: string }) {
  const [{ fetching }, join] = useMutation(JoinRoomMutation);
  const [error, setError] = useState<string>();
  const onClick = async () => {
    const result = await join({ id: roomId });
    if (!result.data) setError(errorMessage(result.error));
  };
  return (
    <span className="join">
      <button type="button" className="button button-small" onClick={onClick} disabled={fetching}>
        {fetching ? 'Joining…' : 'Join'}
        {!fetching && <span className="wide-only"> room</span>}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
