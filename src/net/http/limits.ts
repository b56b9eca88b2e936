/**
 * Sizes and timeouts of HTTP over RLDP (DIGEST §7.5, §8). Defaults follow the C++ rldp-http-proxy so that we
 * interoperate with it both ways.
 */

/** C++ chunk_size()/watermark(): 2^21 - 2^11 bytes of body per http.payloadPart. */
export const HTTP_CHUNK_SIZE = (1 << 21) - (1 << 11);

/** max_answer_size of the http.request query: the http.response head only (C++ `16 << 10`). */
export const HTTP_HEAD_MAX_ANSWER = 16 << 10;

/** Largest http.request we accept as a server (C++ sets the RLDP default MTU to 16 KiB). */
export const HTTP_MAX_REQUEST_HEAD = 16 << 10;

/** max_answer_size of a getNextPayloadPart query for a chunk of `chunk` bytes (C++ `2 * chunk + 1024`). */
export function payloadPartMaxAnswer(chunk: number): number {
  return 2 * chunk + 1024;
}

/** Bytes of an encoded http.payloadPart around its data, without trailers (id, bytes prefix/padding, vector, Bool). */
export const PAYLOAD_PART_OVERHEAD = 4 + 4 + 3 + 4 + 4;

/** Headers in one request or response head, trailers in one payload part. */
export const HTTP_MAX_HEADERS = 256;
export const HTTP_MAX_TRAILERS = 64;

/** Consecutive empty non-last payload parts before we call the peer broken. */
export const HTTP_MAX_EMPTY_PARTS = 64;

/** Timeouts (C++: http.request 30 s, payload parts 15 s). */
export const HTTP_REQUEST_TIMEOUT_MS = 30_000;
export const HTTP_PART_TIMEOUT_MS = 15_000;

/** A server forgets a response body nobody pulled for this long (C++ alarm: 30 s after an answer). */
export const HTTP_SERVER_IDLE_MS = 30_000;

/** http.proxy.capabilities bit: the peer speaks RLDP2 (DIGEST §8.1). */
export const CAPABILITY_RLDP2 = 1n;

/** Timeout of one http.proxy.getCapabilities ADNL query attempt. */
export const CAPABILITIES_TIMEOUT_MS = 1_500;
