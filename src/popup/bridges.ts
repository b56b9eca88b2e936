/** The popup's bridge lines: which bridge carries traffic now, and how the others were measured. */
import type { BridgeState } from '../background/bridges/index.ts';
import type { ConnectionStatus } from '../background/stack.ts';

/** One bridge's last measurement, e.g. "12 ms (healthz)", "down: connection refused", "not measured". */
export function bridgeMeasurement(state: BridgeState): string {
  const p = state.probe;
  if (state.failedAt !== null || (p && !p.ok)) return `down${state.lastError ? `: ${state.lastError}` : ''}`;
  if (!p) return 'not measured';
  return `${p.latencyMs ?? '?'} ms (${p.via ?? '?'})`;
}

/** "in use: URL — relay open, 3↑ 5↓ datagrams", or which bridges would be tried when none is in use yet. */
export function bridgeInUseText(c: ConnectionStatus): string {
  const relay = c.relay
    ? ` — relay ${c.relay.open ? 'open' : 'closed'}, ${c.relay.sent}↑ ${c.relay.received}↓ datagrams`
    : '';
  if (c.bridgeInUse) return `in use: ${c.bridgeInUse}${relay}`;
  return `none in use yet (${c.bridges.join(', ')})${relay}`;
}

/** The other configured bridges with their measurements (empty with a single bridge). */
export function otherBridgesText(c: ConnectionStatus): string {
  return c.bridgeStates
    .filter((s) => s.url !== c.bridgeInUse)
    .map((s) => `${s.url} ${bridgeMeasurement(s)}`)
    .join(' · ');
}
