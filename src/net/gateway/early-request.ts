/**
 * The request that opens a connection to a site goes out in the same flush as http.proxy.getCapabilities instead
 * of one round trip after it ("early"). Which RLDP version an unknown peer accepts, from the sources:
 *
 * - ton-blockchain/ton since 2a31ce14 "Remove rldp1 (#2403)" (2026-06-03; rldp-http-proxy part c094fa2e): RLDP2
 *   only. An rldp.messagePart (v1) reaches no handler ("no callbacks for custom message", measured with v2026.06).
 * - ton-blockchain/ton from d4ce8c7d "rldp2 support in rldp-http-proxy" (2023-02-02) to c094fa2e^: the proxy
 *   creates both an rldp and an rldp2 actor and calls add_id on each for its local and server ids
 *   (rldp-http-proxy.cpp RldpHttpProxy::run), so both subscribe to their message prefixes; rldp2/rldp.cpp
 *   RldpIn::process_message(rldp_query) hands any peer's query to the ADNL query callbacks and answers on the same
 *   rldp2 actor (RldpIn::answer_query) — capabilities are consulted only for what the proxy itself sends
 *   (RldpDispatcher::dispatch). It answers getCapabilities with CAPABILITIES = 1 (RLDP2).
 * - ton-blockchain/ton before d4ce8c7d: RLDP v1 only and no getCapabilities handler at all (the handshake
 *   fails there whatever the early request's version).
 * - xssnick/tonutils-go: adnl/rldp/client.go RLDP.handleMessage accepts rldp.messagePart and rldp2.messagePart
 *   and flips `useV2` to the version of the last message received (v1.14.1, 749603ab); its HTTP server
 *   (adnl/rldp/http/server.go ListenAndServe at 7920c4f^) answers getCapabilities with 0 (the RLDP2 bit commented
 *   out) while `newRLDP(client, false) // server supports both v2 and v1 by default`.
 *
 * So the early request goes in RLDP2, understood by every site that answers getCapabilities except our own
 * v1-only devnet site (RldpNode versions [1]). When the answer has no RLDP2 bit the peer may still have taken it
 * (tonutils-go) or dropped it (v1-only): the request is sent again in v1 at once and the first response head wins;
 * the other is cancelled. That costs one round trip for v1-only peers and none for tonutils-go sites, at the price
 * of the site seeing that first request twice — hence only safe methods (RFC 9110 §9.2.1) without a body go
 * early; the others wait for the handshake.
 */
import type { BodyEnd, HttpResponse } from '../http/index.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** May this request go out before the capabilities answer (and be sent twice)? */
export function mayGoEarly(method: string, hasBody: boolean): boolean {
  return !hasBody && SAFE_METHODS.has(method);
}

/** Holds a request's body-end report until it is known whether that request's response is the one used. */
export class BodyEndGate {
  readonly #target: (end: BodyEnd) => void;
  #state: 'wait' | 'open' | 'shut' = 'wait';
  #held: BodyEnd | null = null;

  constructor(target: (end: BodyEnd) => void) {
    this.#target = target;
  }

  push(end: BodyEnd): void {
    if (this.#state === 'open') this.#target(end);
    else if (this.#state === 'wait') this.#held = end;
  }

  open(): void {
    if (this.#state !== 'wait') return;
    this.#state = 'open';
    const held = this.#held;
    this.#held = null;
    if (held) this.#target(held);
  }

  shut(): void {
    this.#state = 'shut';
    this.#held = null;
  }
}

export interface RacingRequest {
  response: Promise<HttpResponse>;
  gate: BodyEndGate;
  cancel(): void;
}

/**
 * The first response head of `requests`; the others are cancelled (a head that still arrives has its body
 * cancelled). Rejects with the last request's error if none succeeds.
 */
export function firstResponse(requests: RacingRequest[]): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    let failed = 0;
    let won = false;
    const errors: unknown[] = [];
    requests.forEach((r, i) => {
      r.response.then(
        (response) => {
          if (won) {
            response.body?.cancel().catch(() => undefined);
            return;
          }
          won = true;
          r.gate.open();
          for (const other of requests) {
            if (other === r) continue;
            other.gate.shut();
            other.cancel();
          }
          resolve(response);
        },
        (error: unknown) => {
          errors[i] = error;
          failed++;
          if (!won && failed === requests.length) {
            for (const other of requests) other.gate.shut();
            reject(errors[requests.length - 1]);
          }
        },
      );
    });
  });
}
