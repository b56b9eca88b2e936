/**
 * Several bridges in the extension: the default list (default-bridges.json), measuring one (probe.ts), choosing
 * and failing over (selector.ts), and which failed requests may go again on the next bridge (failover.ts).
 */
export { defaultBridgeUrls, normalizeBridgeUrl } from './defaults.ts';
export { mayRetryOnAnotherBridge, isSafeMethod } from './failover.ts';
export { healthzUrl, parseHealth, probeBridge, type BridgeHealthSummary, type BridgeProbe } from './probe.ts';
export { BridgeSelector, type BridgeSelectorOptions, type BridgeState } from './selector.ts';

import { probeBridge } from './probe.ts';
import { BridgeSelector } from './selector.ts';

/** The selector the service worker uses: the real probe (healthz, else a WebSocket) with its default timeout. */
export function createBridgeSelector(urls: readonly string[]): BridgeSelector {
  return new BridgeSelector(urls, { probe: (url) => probeBridge(url) });
}
