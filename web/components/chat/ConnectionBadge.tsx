import type { ConnectionStatus } from '@/lib/urql/connection';
import { connectionLabel } from '@/lib/chat/use-connection';

export function ConnectionBadge({ status }: { status: ConnectionStatus }) {
  return (
    <span className="connection" data-state={status.kind} role="status" data-testid="connection">
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-label">{connectionLabel(status)}</span>
    </span>
  );
}
