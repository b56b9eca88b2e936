/**
 * Errors of the native (TVM-free) dnsresolve. A contract whose *data* does not parse the way its code reads it
 * (the TVM would stop with a cell underflow / dictionary error) or whose data runs into a pruned branch of a proof
 * is a DnsNativeDataError; an argument the TVM could never receive is a DnsNativeInputError. Exceptions the
 * contract raises because of the question (exit 9 on an empty name, 201, 413, ...) are not errors here: they are
 * answers with that exit code, as a get method run would return them.
 */
import { DnsError } from '../errors.ts';

/** The known DNS contracts (kinds.ts maps code hashes to them); here so that errors and kinds need no cycle. */
export type NativeDnsKind = 'root' | 'ton-collection' | 'ton-item' | 'tme-collection' | 'tme-item';

export class DnsNativeDataError extends DnsError {
  constructor(
    readonly kind: NativeDnsKind,
    /** True when the read ran into a pruned branch (a proof that does not cover what the contract reads). */
    readonly pruned: boolean,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('resolver_failure', `native ${kind} dnsresolve: ${detail}`, options);
    this.name = 'DnsNativeDataError';
  }
}

export class DnsNativeInputError extends DnsError {
  constructor(detail: string) {
    super('resolver_failure', `native dnsresolve: ${detail}`);
    this.name = 'DnsNativeInputError';
  }
}
