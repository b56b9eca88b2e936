/**
 * What a site's http.response head may carry to an HTTP/1.1 client (a browser tab, `tonsite proxy`'s clients,
 * `tonsite fetch -i`): every host relays it, so it is checked once, here, where it arrives.
 * - status 200..599: RLDP has no interim answers, and a 1xx (101 Switching Protocols above all) would make the
 *   relaying hop's framing lie — refused, as is anything outside RFC 9110 §15's range;
 * - header names are tokens and values hold no CR, LF or NUL (header injection) — refused;
 * - the reason phrase carries no meaning (RFC 9112 §4: a client SHOULD ignore it), so one with control
 *   characters is replaced by the standard phrase of the status rather than refusing the page.
 */
import { HttpError } from './errors.ts';
import { checkHeaders } from './headers.ts';
import { reasonPhrase } from './status.ts';
import type { HttpResponseHead } from './codec.ts';

/** reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ) (RFC 9112 §4). */
const REASON = /^[\t\x20-\x7e\x80-\xff]*$/;

export function relayableResponseHead(head: HttpResponseHead): HttpResponseHead {
  if (!Number.isInteger(head.status) || head.status < 200 || head.status > 599) {
    throw new HttpError('protocol', `status ${head.status} cannot be relayed (200..599 only)`);
  }
  checkHeaders(head.headers, 'http.response');
  return REASON.test(head.reason) ? head : { ...head, reason: reasonPhrase(head.status) };
}

/**
 * The Content-Length a relaying hop sends for a response without payload (no_payload, HEAD, 204, 304): for HEAD
 * and 304 the site's own header describes the representation (RFC 9110 §8.6) and is kept; a 204 has none; any
 * other answer carries zero bytes, so 0 — never the site's number, which would make the next response on a
 * keep-alive connection be read as this one's body.
 */
export function contentLengthWithoutPayload(method: string, status: number): 'site' | 'none' | 'zero' {
  if (method.toUpperCase() === 'HEAD' || status === 304) return 'site';
  return status === 204 ? 'none' : 'zero';
}
