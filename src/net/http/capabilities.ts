/**
 * http.proxy.getCapabilities / http.proxy.capabilities (DIGEST §8.1): a plain ADNL query (not RLDP) each side
 * sends with its own capabilities; the answer carries the other side's. Bit 0 (value 1) = RLDP2. The RLDP version
 * for a peer is chosen from it (C++ rldp-http-proxy). tonutils-go's HTTP server answers 0 yet takes both versions
 * (adnl/rldp/http/server.go: "server supports both v2 and v1 by default"), so 0 means "RLDP2 not promised", not
 * "RLDP2 refused" (see src/net/gateway/early-request.ts).
 */
import type { AdnlPeer } from '../adnl/index.ts';
import { TlError, tlDecode, tlEncode } from '../tl/index.ts';
import { boxedId } from './codec.ts';
import { HttpError } from './errors.ts';
import { CAPABILITIES_TIMEOUT_MS, CAPABILITY_RLDP2 } from './limits.ts';
import { transportFailure, type AdnlQuerier } from './transport.ts';
import { tlId } from '../tl/index.ts';

export const HTTP_GET_CAPABILITIES_ID = tlId('http.proxy.getCapabilities');

export function encodeGetCapabilities(ours: bigint): Uint8Array {
  return tlEncode({ _: 'http.proxy.getCapabilities', capabilities: ours });
}

export function encodeCapabilities(ours: bigint): Uint8Array {
  return tlEncode({ _: 'http.proxy.capabilities', capabilities: ours });
}

export function decodeCapabilities(bytes: Uint8Array): bigint {
  try {
    return tlDecode('http.proxy.capabilities', bytes).capabilities;
  } catch (error) {
    if (error instanceof TlError)
      throw new HttpError('protocol', `bad http.proxy.capabilities: ${error.message}`);
    throw error;
  }
}

/** Our capabilities word: RLDP2 if we offer it. */
export function capabilitiesOf(rldp2: boolean): bigint {
  return rldp2 ? CAPABILITY_RLDP2 : 0n;
}

/** The RLDP version to use with a peer announcing `capabilities`. */
export function rldpVersionFor(capabilities: bigint): 1 | 2 {
  return (capabilities & CAPABILITY_RLDP2) !== 0n ? 2 : 1;
}

/**
 * Serves an incoming ADNL query if it is http.proxy.getCapabilities: returns our answer and the asker's
 * capabilities, or null for any other query (so the caller can chain handlers).
 */
export function answerCapabilitiesQuery(
  query: Uint8Array,
  ours: bigint,
): { answer: Uint8Array; peerCapabilities: bigint } | null {
  if (boxedId(query) !== HTTP_GET_CAPABILITIES_ID) return null;
  let peerCapabilities: bigint;
  try {
    peerCapabilities = tlDecode('http.proxy.getCapabilities', query).capabilities;
  } catch (error) {
    if (error instanceof TlError)
      throw new HttpError('protocol', `bad http.proxy.getCapabilities: ${error.message}`);
    throw error;
  }
  return { answer: encodeCapabilities(ours), peerCapabilities };
}

/**
 * Asks `peer` for its capabilities. HttpError 'timeout' when it does not answer within `attempts` × `timeoutMs`;
 * the ADNL node resends it meanwhile (at the peer's retransmission timeout, at most every `timeoutMs`).
 */
export async function queryCapabilities(
  adnl: AdnlQuerier,
  peer: AdnlPeer,
  ours: bigint,
  options: { timeoutMs?: number; attempts?: number } = {},
): Promise<bigint> {
  let answer: Uint8Array;
  try {
    answer = await adnl.query(
      peer,
      encodeGetCapabilities(ours),
      options.timeoutMs ?? CAPABILITIES_TIMEOUT_MS,
      {
        attempts: options.attempts ?? 4,
      },
    );
  } catch (error) {
    throw transportFailure(error, 'http.proxy.getCapabilities');
  }
  return decodeCapabilities(answer);
}
