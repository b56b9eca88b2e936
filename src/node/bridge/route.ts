/**
 * A route is one kind of stream the bridge relays, mounted on a URL path of the same WebSocket server:
 * `/tcp` (TCP to configured liteservers, tcp-route.ts) today, `/udp` (ADNL datagram relay) later.
 * The server does everything common to routes (per-client stream counts, idle timeout, rate budget, frame size,
 * error isolation, logging, shutdown); a route only wires the WebSocket to its upstream.
 */
import type { WebSocket } from 'ws';
import type { BridgeLimits } from './limits.ts';
import type { BridgeLogFields } from './log.ts';
import type { MetricFamily, RefusalReason } from './metrics.ts';

export interface BridgeStreamContext {
  /** Bridge-local stream number (for logs). */
  readonly id: number;
  /** Remote IP address of the client. */
  readonly client: string;
  readonly ws: WebSocket;
  /** The upgrade request URL (path and query; host is a placeholder). */
  readonly url: URL;
  readonly limits: BridgeLimits;
  /**
   * Accounts `bytes` received from the client: resets the idle timer and takes them from the stream's
   * bytes-per-second budget. Returns false when the budget is exceeded: after closing the stream (4429) with
   * `overBudget` 'close' (a TCP byte stream cannot lose bytes), or leaving it open with 'drop' (datagram routes
   * drop the message, as a congested network would; closing would kill every ADNL peer of the client at once).
   */
  acceptFromClient(bytes: number, overBudget?: 'close' | 'drop'): boolean;
  /** Accounts `bytes` sent to the client (resets the idle timer). */
  sentToClient(bytes: number): void;
  /**
   * Bytes this stream may queue towards its client before the route stops reading upstream (TCP) or drops
   * (datagrams): the per-stream high water, or less, its share of the bridge's downstream budget.
   */
  downstreamHighWater(): number;
  /** Closes the WebSocket (once) with a close code from BridgeCloseCode and a short reason (no payload). */
  close(code: number, reason: string): void;
  /** Closes the stream as refused (a bad request, a destination not allowed): counted in the bridge's metrics. */
  refuse(code: number, reason: string, why: RefusalReason): void;
  /** Runs `fn` once when the stream ends, whoever ended it. */
  onEnd(fn: () => void): void;
  /** Adds fields to the stream's closing log line (e.g. the destination index). */
  annotate(fields: BridgeLogFields): void;
  readonly ended: boolean;
}

export interface BridgeRoute {
  /** URL path this route serves, e.g. '/tcp'. */
  readonly path: string;
  /**
   * WebSocket subprotocols this route speaks, most preferred first; the server selects the first of them the
   * client offered (none: no subprotocol is ever selected). The route reads the choice from `ws.protocol`.
   */
  readonly protocols?: readonly string[];
  /** Takes over a freshly upgraded stream. Must not throw for bad client input (close the stream instead). */
  open(stream: BridgeStreamContext): void;
  /** The route's own counters (tonsite_bridge_* families) for `/metrics`, e.g. datagrams relayed and dropped. */
  metrics?(): MetricFamily[];
}
