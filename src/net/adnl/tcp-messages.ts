/**
 * The few payloads that travel in ADNL-TCP frames (DIGEST §2.3-2.4): `adnl.message.query` / `adnl.message.answer`
 * (matched by query_id), `tcp.ping` / `tcp.pong` (sent as the whole payload, not wrapped in a query), and the
 * three tcp.authentificate messages (tcp-auth.ts).
 */
import { TlError, tlDecode, tlEncode, tlId } from '../tl/index.ts';
import { AdnlError } from './errors.ts';
import { decodeTcpAuthPayload, type TcpAuthPayload } from './tcp-auth.ts';

export const ID_ADNL_QUERY = tlId('adnl.message.query');
export const ID_ADNL_ANSWER = tlId('adnl.message.answer');
export const ID_TCP_PING = tlId('tcp.ping');
export const ID_TCP_PONG = tlId('tcp.pong');

export type TcpPayload =
  | { kind: 'empty' }
  | { kind: 'query'; queryId: Uint8Array; query: Uint8Array }
  | { kind: 'answer'; queryId: Uint8Array; answer: Uint8Array }
  | { kind: 'ping'; randomId: bigint }
  | { kind: 'pong'; randomId: bigint }
  | TcpAuthPayload;

/** Classifies one frame payload; AdnlError('protocol') for anything else or anything malformed. */
export function decodeTcpPayload(payload: Uint8Array): TcpPayload {
  if (payload.length === 0) return { kind: 'empty' };
  if (payload.length < 4) throw new AdnlError('protocol', 'ADNL-TCP payload shorter than a constructor id');
  const id = (payload[0] | (payload[1] << 8) | (payload[2] << 16) | (payload[3] << 24)) >>> 0;
  const auth = decodeTcpAuthPayload(id, payload);
  if (auth) return auth;
  try {
    switch (id) {
      case ID_ADNL_ANSWER: {
        const m = tlDecode('adnl.message.answer', payload);
        return { kind: 'answer', queryId: m.query_id, answer: m.answer };
      }
      case ID_ADNL_QUERY: {
        const m = tlDecode('adnl.message.query', payload);
        return { kind: 'query', queryId: m.query_id, query: m.query };
      }
      case ID_TCP_PING:
        return { kind: 'ping', randomId: tlDecode('tcp.ping', payload).random_id };
      case ID_TCP_PONG:
        return { kind: 'pong', randomId: tlDecode('tcp.pong', payload).random_id };
    }
  } catch (error) {
    if (error instanceof TlError)
      throw new AdnlError('protocol', `malformed ADNL-TCP payload: ${error.message}`);
    throw error;
  }
  throw new AdnlError('protocol', `unexpected ADNL-TCP payload 0x${id.toString(16).padStart(8, '0')}`);
}

export function encodeQuery(queryId: Uint8Array, query: Uint8Array): Uint8Array {
  return tlEncode({ _: 'adnl.message.query', query_id: queryId, query });
}

export function encodeAnswer(queryId: Uint8Array, answer: Uint8Array): Uint8Array {
  return tlEncode({ _: 'adnl.message.answer', query_id: queryId, answer });
}

export function encodePing(randomId: bigint): Uint8Array {
  return tlEncode({ _: 'tcp.ping', random_id: randomId });
}

export function encodePong(randomId: bigint): Uint8Array {
  return tlEncode({ _: 'tcp.pong', random_id: randomId });
}

/** Hex of a query id, used as a map key. */
export function queryKey(queryId: Uint8Array): string {
  let s = '';
  for (let i = 0; i < queryId.length; i++) s += queryId[i].toString(16).padStart(2, '0');
  return s;
}
