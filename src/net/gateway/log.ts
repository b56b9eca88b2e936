/**
 * Per-request record of what the gateway did and how long each stage took (for `tonsite fetch --json` and the
 * popup's per-request log).
 */
import type { GatewayStage } from './errors.ts';

export type TimingStage = 'dns' | 'dht' | 'handshake' | 'connect' | 'request' | 'body';

export interface StageTiming {
  stage: TimingStage;
  /** Milliseconds the stage took (0 when served from a cache). */
  ms: number;
  /** Served from a cache or an open connection. */
  cached?: boolean;
  /** What the stage found, e.g. the ADNL address, "127.0.0.1:4321", "RLDP v2"; or why it failed. */
  detail?: string;
  /** The stage failed (the request ended there). */
  failed?: boolean;
}

export interface GatewayRequestLog {
  /** Sequence number of the request within this gateway. */
  id: number;
  method: string;
  url: string;
  host: string;
  /** Date.now() when the request started. */
  startedAt: number;
  stages: StageTiming[];
  status?: number;
  /** Body bytes received so far. */
  bytes: number;
  /** RLDP version used with the site. */
  rldpVersion?: 1 | 2;
  /** The site's ADNL address (55-char text form) and UDP address. */
  adnl?: string;
  address?: string;
  error?: { stage: GatewayStage; message: string; code?: string };
  /** Total milliseconds, once done. */
  totalMs?: number;
  done: boolean;
}
