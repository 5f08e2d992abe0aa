'use client';

import { useSyncExternalStore } from 'react';
import {
  type ConnectionStatus,
  connectionStatus,
  serverConnectionStatus,
  subscribeConnection,
} from '../urql/connection';

export function useConnectionStatus(): ConnectionStatus {
  return useSyncExternalStore(subscribeConnection, connectionStatus, serverConnectionStatus);
}

export function connectionLabel(status: ConnectionStatus): string {
  switch (status.kind) {
    case 'connecting':
      return 'Connecting…';
    case 'live':
      return 'Live';
    case 'reconnecting':
      return `Reconnecting… (attempt ${status.attempt})`;
    case 'offline':
      return 'Offline';
  }
}
