/**
 * Every gateway failure is a GatewayError naming the stage it happened in — what a user (the CLI, the popup's
 * error pages) needs to tell "name not registered" from "peer unreachable" from "site too slow".
 */
export type GatewayStage =
  | 'url' // not a TON URL we can open (scheme, host kind, malformed .adnl/.bag name)
  | 'dns' // the name did not resolve to a site record (not registered, expired, no record, liteserver failure)
  | 'storage' // a TON Storage site (bag) failed: no seeders, no answer, a piece or the header failed its proof
  | 'dht' // the site's ADNL address was not found in the DHT
  | 'handshake' // the peer did not answer over ADNL (capabilities query) at the address the DHT gave
  | 'rldp-timeout' // the site did not answer an RLDP query in time (request or body part)
  | 'rldp' // the RLDP layer failed otherwise (too large, overloaded, closed)
  | 'http' // the site answered with something that is not valid HTTP over RLDP
  | 'aborted' // the caller aborted the request
  | 'closed'; // the gateway was closed

export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly stage: GatewayStage;
  /** The host of the request. */
  readonly host: string;
  /** A stable sub-code where the layer below has one (e.g. DNS 'not_registered', 'expired', 'no_record'). */
  readonly code: string | undefined;

  constructor(
    stage: GatewayStage,
    host: string,
    message: string,
    options?: { cause?: unknown; code?: string },
  ) {
    super(message, options);
    this.stage = stage;
    this.host = host;
    this.code = options?.code;
  }
}

/** The message of an error of any layer, for logs and GatewayError messages. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `promise`, or GatewayError('aborted') as soon as `signal` aborts (the work itself goes on: it may be shared). */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  host: string,
): Promise<T> {
  if (!signal) return promise;
  const aborted = () => new GatewayError('aborted', host, 'request aborted');
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(aborted());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
