/**
 * One dnsresolve call of a walk (`--trace`, error reports). Its own file so that errors.ts and resolution.ts can
 * both name it without a type cycle (errors → resolution → records → errors).
 */
import type { Address } from '@ton/core';

export interface DnsHop {
  /** The resolver contract asked. */
  contract: Address;
  /** The dnsresolve argument it was given (internal representation, DIGEST §9.2). */
  query: Uint8Array;
  /** The bits it reported as resolved (0 = unknown). */
  resolvedBits: number;
  /** TVM exit code of the get method (EXIT_ACCOUNT_INACTIVE if the contract does not exist). */
  exitCode: number;
  /** The dns_next_resolver it pointed to, when it resolved only a prefix. */
  nextResolver: Address | null;
  /** How far this hop's answer is proven (resolution.ts DnsTrustLevel). */
  trust?: 'proof' | 'cross-checked' | 'single-source';
}
