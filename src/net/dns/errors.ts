/**
 * Typed DNS errors. Every failure of name handling, record parsing or the resolution walk is one of these, with a
 * stable `code` (used in `tonsite resolve --json`) and, where a walk was under way, the hops made so far.
 */
import type { Address } from '@ton/core';
import type { DnsHop } from './hop.ts';

export type DnsErrorCode =
  | 'invalid_name'
  | 'invalid_category'
  | 'not_registered'
  | 'expired'
  | 'no_record'
  | 'resolver_failure'
  | 'bad_record'
  | 'disagreement'
  | 'source_failure';

export class DnsError extends Error {
  readonly code: DnsErrorCode;
  /** The hops made before the failure (empty when the walk never started). */
  readonly hops: readonly DnsHop[] = [];

  constructor(code: DnsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DnsError';
    this.code = code;
  }

  /**
   * The same error, of the same class with the same fields, carrying the hops a walk made before it: a copy, so
   * an error thrown below (a source's, a cached one) is never changed under whoever else holds it.
   */
  withHops(hops: readonly DnsHop[]): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.defineProperties(copy, Object.getOwnPropertyDescriptors(this));
    Object.defineProperty(copy, 'hops', { value: hops, enumerable: true });
    return copy;
  }
}

/** The name cannot be a TON DNS name (empty label, forbidden character, too long, ...). */
export class DnsInvalidNameError extends DnsError {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super('invalid_name', `invalid TON DNS name ${JSON.stringify(input)}: ${reason}`);
    this.name = 'DnsInvalidNameError';
  }
}

export class DnsInvalidCategoryError extends DnsError {
  constructor(readonly input: string) {
    super(
      'invalid_category',
      `unknown DNS category ${JSON.stringify(input)} (use site, storage, wallet, dns_next_resolver, all or 64 hex digits)`,
    );
    this.name = 'DnsInvalidCategoryError';
  }
}

/**
 * Nobody holds the name: a resolver does not know the next label (`reason: 'unknown_label'`, e.g. the root for
 * an unknown zone, or a domain without a sub-domain resolver) or the contract a resolver points to does not
 * exist (`reason: 'no_contract'`, e.g. an unregistered .ton domain, whose NFT item was never deployed).
 * `domain` is the part of the name that is missing (`alice.ton` when resolving `docs.alice.ton`).
 */
export class DnsNotRegisteredError extends DnsError {
  constructor(
    readonly domain: string,
    readonly reason: 'unknown_label' | 'no_contract',
    readonly contract: Address,
    detail: string,
  ) {
    super('not_registered', `${domain} is not registered: ${detail}`);
    this.name = 'DnsNotRegisteredError';
  }
}

/** The domain's owner has not renewed it for more than a year (dns-contract nft-item `last_fill_up_time`). */
export class DnsExpiredError extends DnsError {
  constructor(
    readonly domain: string,
    readonly contract: Address,
    /** Unix seconds when it expired. */
    readonly expiredAt: number,
  ) {
    super(
      'expired',
      `${domain} expired on ${new Date(expiredAt * 1000).toISOString()} (not renewed for a year)`,
    );
    this.name = 'DnsExpiredError';
  }
}

/** The name resolves, but holds no record of the requested category. */
export class DnsNoRecordError extends DnsError {
  constructor(
    readonly domain: string,
    readonly category: bigint,
    categoryLabel: string,
    readonly contract: Address,
  ) {
    super('no_record', `${domain} has no '${categoryLabel}' record`);
    this.name = 'DnsNoRecordError';
  }
}

/** A resolver contract failed (non-zero TVM exit code) or answered something the DNS standard does not allow. */
export class DnsResolverError extends DnsError {
  constructor(
    readonly contract: Address,
    /** TVM exit code, or null when the get method ran but its answer was malformed. */
    readonly exitCode: number | null,
    detail: string,
  ) {
    super('resolver_failure', `resolver ${contract.toString()} failed: ${detail}`);
    this.name = 'DnsResolverError';
  }
}

/** A DNS record cell does not follow block.tlb (DNS section). */
export class DnsRecordParseError extends DnsError {
  constructor(reason: string) {
    super('bad_record', `malformed DNS record: ${reason}`);
    this.name = 'DnsRecordParseError';
  }
}

/** Two independent sources gave different answers for the same name: neither is picked. */
export class DnsDisagreementError extends DnsError {
  constructor(
    readonly domain: string,
    readonly sources: [string, string],
    readonly outcomes: [string, string],
  ) {
    super(
      'disagreement',
      `sources disagree about ${domain}: ${sources[0]} says ${outcomes[0]}; ${sources[1]} says ${outcomes[1]}`,
    );
    this.name = 'DnsDisagreementError';
  }
}

/** A source (liteserver, ...) could not answer at all: network failure, timeout, not enough sources. */
export class DnsSourceError extends DnsError {
  constructor(
    readonly source: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('source_failure', `${source}: ${detail}`, options);
    this.name = 'DnsSourceError';
  }
}

/**
 * A liteserver's answer failed verification (issue 14: "the liteserver's answer failed verification"): the proof
 * error that refused it is `proof` (its `code` names the check: merkle, pruned, shard, account, config, …). A
 * source failure, so a resolver that can ask another source does (CrossCheckResolver, failover); never an answer.
 */
export class DnsProofError extends DnsSourceError {
  constructor(
    source: string,
    readonly proof: Error & { code: string },
  ) {
    super(source, `the liteserver's answer failed verification (${proof.message})`, { cause: proof });
    this.name = 'DnsProofError';
  }

  /** The failed check (ProofErrorCode of src/net/lite/proof). */
  get proofCode(): string {
    return this.proof.code;
  }
}
