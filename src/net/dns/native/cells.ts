/**
 * What the DNS contracts do with cells, without a TVM: bounded reads that turn a short or malformed data cell into
 * DnsNativeDataError (where the TVM would raise cell underflow), LDMSGADDR, LDDICT / LDREF, and the
 * `ContractExit` a contract throws because of its argument (turned into an answer's exit code by index.ts).
 */
import { beginCell, type BitString, type Cell, type Slice } from '@ton/core';
import { asBuffer } from '../bytes.ts';
import { DnsNativeDataError } from './errors.ts';
import type { NativeDnsKind } from './kinds.ts';

/** TVM exit codes the contracts reach through their argument. */
export const EXIT_CELL_UNDERFLOW = 9;
export const EXIT_TYPE_CHECK = 7;

/** `dns_next_resolver#ba93` (block.tlb; dns-utils.fc `dns_next_resolver_prefix`). */
export const DNS_NEXT_RESOLVER_PREFIX = 0xba93;

/** A `throw`/TVM exception caused by the question (not by the data): the get method's exit code. */
export class ContractExit extends Error {
  constructor(readonly exitCode: number) {
    super(`contract exit ${exitCode}`);
    this.name = 'ContractExit';
  }
}

/** Reads one contract's cells; every failure names the contract kind. */
export class DataReader {
  constructor(readonly kind: NativeDnsKind) {}

  fail(detail: string, pruned = false): never {
    throw new DnsNativeDataError(this.kind, pruned, detail);
  }

  /** CTOS: an ordinary cell only (a pruned branch means the proof does not cover what the contract reads). */
  open(cell: Cell, what: string): Slice {
    if (cell.isExotic) this.fail(`${what} is an exotic (pruned) cell`, true);
    return cell.beginParse();
  }

  need(s: Slice, bits: number, refs: number, what: string): void {
    if (s.remainingBits < bits || s.remainingRefs < refs) {
      this.fail(`${what}: cell underflow (needs ${bits} bits and ${refs} refs)`);
    }
  }

  uint(s: Slice, bits: number, what: string): bigint {
    this.need(s, bits, 0, what);
    return s.loadUintBig(bits);
  }

  ref(s: Slice, what: string): Cell {
    this.need(s, 0, 1, what);
    return s.loadRef();
  }

  /** LDDICT / LDOPTREF: Maybe ^Cell. */
  maybeRef(s: Slice, what: string): Cell | null {
    this.need(s, 1, 0, what);
    if (!s.loadBit()) return null;
    return this.ref(s, what);
  }

  /** ENDS: nothing may be left. */
  end(s: Slice, what: string): void {
    if (s.remainingBits !== 0 || s.remainingRefs !== 0) this.fail(`${what}: data left over (ENDS)`);
  }

  /**
   * LDMSGADDR: the bits of one MsgAddress (block.tlb: addr_none$00, addr_extern$01 len:(## 9) bits,
   * addr_std$10 anycast workchain:int8 bits256, addr_var$11 anycast len:(## 9) workchain:int32 bits), the lengths
   * as ton crypto/vm/tonops.cpp `skip_message_addr` takes them. Anycast (`just$1`) is refused: `skip_maybe_anycast`
   * fails on it from global version 10 (older versions accepted it), and no DNS contract stores one.
   */
  msgAddress(s: Slice, what: string): BitString {
    const probe = s.clone();
    this.need(probe, 2, 0, what);
    const tag = probe.loadUint(2);
    let length = 2;
    if (tag === 1) {
      const len = Number(this.uint(probe, 9, what));
      length += 9 + len;
    } else if (tag >= 2) {
      this.need(probe, 1, 0, what);
      if (probe.loadBit()) this.fail(`${what}: anycast address`);
      length += 1;
      if (tag === 2) length += 8 + 256;
      else length += 9 + 32 + Number(this.uint(probe, 9, what));
    }
    this.need(s, length, 0, what);
    return s.loadBits(length);
  }
}

/** The cell `dns_next_resolver#ba93 resolver:MsgAddressInt` as the contracts build it (prefix + the address slice). */
export function nextResolverCell(address: BitString): Cell {
  return beginCell().storeUint(DNS_NEXT_RESOLVER_PREFIX, 16).storeBits(address).endCell();
}

/** `store_uint(4, 3).store_int(0, 8).store_uint(hash, 256)`: addr_std in workchain 0 (calculate_nft_item_address). */
export function basechainAddressBits(hash: Uint8Array): BitString {
  return beginCell()
    .storeUint(4, 3)
    .storeInt(0, 8)
    .storeBuffer(asBuffer(hash))
    .endCell()
    .beginParse()
    .loadBits(267);
}

/**
 * The argument: bytes, each a whole octet, as `dnsresolve` receives them in one cell. Names the TVM receives come
 * in one cell of at most 1023 bits, so at most 127 bytes.
 */
export const MAX_SUBDOMAIN_BYTES = 127;

/** `get_top_domain_bits` (dns-utils.fc / telemint common.fc): bits of the label before the first \0. */
export function topDomainBits(rest: Uint8Array): number {
  const zero = rest.indexOf(0);
  // No \0: the loop's load_uint(8) runs out of bits -> cell underflow.
  if (zero < 0) throw new ContractExit(EXIT_CELL_UNDERFLOW);
  // dns-utils.fc: throw_if(201, i == 0); telemint: throw_unless(201, i).
  if (zero === 0) throw new ContractExit(201);
  return zero * 8;
}
