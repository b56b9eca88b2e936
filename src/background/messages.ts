/** Messages between the popup (or options page) and the service worker. */
import type { Settings } from './settings.ts';

export type PopupRequest = { type: 'getState' } | { type: 'setEnabled'; enabled: boolean };

export interface GatewayState {
  settings: Settings;
  /** When this service-worker instance started (ms since epoch): shows restarts in diagnostics. */
  workerStartedAt: number;
  version: string;
}

export function isPopupRequest(value: unknown): value is PopupRequest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; enabled?: unknown };
  if (m.type === 'getState') return true;
  return m.type === 'setEnabled' && typeof m.enabled === 'boolean';
}
