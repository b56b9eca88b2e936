/**
 * DNS records (block.tlb, DNS section; DIGEST §9.3), parsed from and built into cells with @ton/core.
 *
 *   dns_text#1eda _:Text                                                   (chunks in a chain of refs)
 *   dns_next_resolver#ba93 resolver:MsgAddressInt
 *   dns_adnl_address#ad01 adnl_addr:bits256 flags:(## 8) { flags <= 1 } proto_list:flags.0?ProtoList
 *   dns_smc_address#9fd3 smc_addr:MsgAddressInt flags:(## 8) { flags <= 1 } cap_list:flags.0?SmcCapList
 *   dns_storage_address#7473 bag_id:bits256
 *
 * Leniency (records written by some tools in the wild): a dns_adnl_address or dns_smc_address that ends right
 * after the address, without the flags byte, reads as flags = 0. Bits after a complete record are ignored, as
 * the contracts themselves do. Everything else that does not match is a DnsRecordParseError.
 */
import { Address, beginCell, Dictionary, type Builder, type Cell, type Slice } from '@ton/core';
import { asBuffer, fromBuffer } from './bytes.ts';
import { DnsError, DnsRecordParseError } from './errors.ts';

export const DNS_PREFIX_TEXT = 0x1eda;
export const DNS_PREFIX_NEXT_RESOLVER = 0xba93;
export const DNS_PREFIX_ADNL = 0xad01;
export const DNS_PREFIX_SMC = 0x9fd3;
export const DNS_PREFIX_STORAGE = 0x7473;

const PROTO_HTTP = 0x4854;
const CAP_SEQNO = 0x5371;
const CAP_PUBKEY = 0x71f4;
const CAP_IS_WALLET = 0x2177;
const CAP_NAME = 0xff;

export type DnsProtocol = 'http';
export type DnsSmcCapability =
  { type: 'seqno' } | { type: 'pubkey' } | { type: 'wallet' } | { type: 'name'; name: string };

export type DnsRecord =
  | { type: 'adnl'; adnl: Uint8Array; protocols: DnsProtocol[] | null }
  | { type: 'storage'; bagId: Uint8Array }
  | { type: 'smc'; address: Address; capabilities: DnsSmcCapability[] | null }
  | { type: 'next_resolver'; address: Address }
  | { type: 'text'; text: string }
  /** A record type this client does not know (kept whole, so it can still be shown or compared). */
  | { type: 'unknown'; prefix: number; cell: Cell };

function need(s: Slice, bits: number, refs: number, what: string): void {
  if (s.remainingBits < bits || s.remainingRefs < refs) throw new DnsRecordParseError(`truncated ${what}`);
}

/** MsgAddressInt: only addr_std without anycast names an account in practice. */
function readAddressInt(s: Slice, what: string): Address {
  need(s, 2, 0, what);
  const tag = s.loadUint(2);
  if (tag !== 0b10) {
    throw new DnsRecordParseError(
      `${what}: ${tag === 0b11 ? 'addr_var' : 'not an internal address'} (tag ${tag})`,
    );
  }
  need(s, 1 + 8 + 256, 0, what);
  if (s.loadBit()) throw new DnsRecordParseError(`${what}: anycast addresses are not supported`);
  const workchain = s.loadInt(8);
  const hash = s.loadBuffer(32);
  return new Address(workchain, hash);
}

const utf8Lenient = new TextDecoder();

/** Text: chunks:(## 8), each chunk len:(## 8) data:(bits len*8), every chunk but the last continues in a ref. */
function readText(s: Slice, what: string): string {
  need(s, 8, 0, what);
  const chunks = s.loadUint(8);
  const parts: Uint8Array[] = [];
  let total = 0;
  let cur = s;
  for (let i = 0; i < chunks; i++) {
    need(cur, 8, 0, `${what} chunk ${i}`);
    const len = cur.loadUint(8);
    need(cur, len * 8, 0, `${what} chunk ${i}`);
    const part = fromBuffer(cur.loadBuffer(len));
    parts.push(part);
    total += part.length;
    if (i < chunks - 1) {
      need(cur, 0, 1, `${what} chunk ${i} link`);
      cur = cur.loadRef().beginParse();
    }
  }
  const all = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  return utf8Lenient.decode(all);
}

function readFlags(s: Slice, what: string): number {
  if (s.remainingBits === 0 && s.remainingRefs === 0) return 0;
  need(s, 8, 0, `${what} flags`);
  const flags = s.loadUint(8);
  if (flags > 1) throw new DnsRecordParseError(`${what}: flags ${flags} > 1`);
  return flags;
}

function readProtocols(s: Slice): DnsProtocol[] {
  const out: DnsProtocol[] = [];
  for (;;) {
    need(s, 1, 0, 'proto_list');
    if (!s.loadBit()) return out;
    need(s, 16, 0, 'proto_list entry');
    const tag = s.loadUint(16);
    if (tag !== PROTO_HTTP) throw new DnsRecordParseError(`unknown protocol tag 0x${tag.toString(16)}`);
    out.push('http');
  }
}

function readCapabilities(s: Slice): DnsSmcCapability[] {
  const out: DnsSmcCapability[] = [];
  for (;;) {
    need(s, 1, 0, 'cap_list');
    if (!s.loadBit()) return out;
    need(s, 8, 0, 'cap_list entry');
    if (s.preloadUint(8) === CAP_NAME) {
      s.skip(8);
      out.push({ type: 'name', name: readText(s, 'cap_name') });
      continue;
    }
    need(s, 16, 0, 'cap_list entry');
    const tag = s.loadUint(16);
    if (tag === CAP_SEQNO) out.push({ type: 'seqno' });
    else if (tag === CAP_PUBKEY) out.push({ type: 'pubkey' });
    else if (tag === CAP_IS_WALLET) out.push({ type: 'wallet' });
    else throw new DnsRecordParseError(`unknown smc capability tag 0x${tag.toString(16)}`);
  }
}

function parseUnchecked(cell: Cell): DnsRecord {
  if (cell.isExotic) throw new DnsRecordParseError('record cell is exotic (pruned or library)');
  const s = cell.beginParse();
  need(s, 16, 0, 'record prefix');
  const prefix = s.loadUint(16);
  switch (prefix) {
    case DNS_PREFIX_ADNL: {
      need(s, 256, 0, 'dns_adnl_address');
      const adnl = fromBuffer(s.loadBuffer(32));
      const flags = readFlags(s, 'dns_adnl_address');
      return { type: 'adnl', adnl, protocols: flags & 1 ? readProtocols(s) : null };
    }
    case DNS_PREFIX_STORAGE: {
      need(s, 256, 0, 'dns_storage_address');
      return { type: 'storage', bagId: fromBuffer(s.loadBuffer(32)) };
    }
    case DNS_PREFIX_NEXT_RESOLVER:
      return { type: 'next_resolver', address: readAddressInt(s, 'dns_next_resolver') };
    case DNS_PREFIX_SMC: {
      const address = readAddressInt(s, 'dns_smc_address');
      const flags = readFlags(s, 'dns_smc_address');
      return { type: 'smc', address, capabilities: flags & 1 ? readCapabilities(s) : null };
    }
    case DNS_PREFIX_TEXT:
      return { type: 'text', text: readText(s, 'dns_text') };
    default:
      return { type: 'unknown', prefix, cell };
  }
}

/** One record cell -> DnsRecord. Throws DnsRecordParseError (only) on anything malformed. */
export function parseDnsRecord(cell: Cell): DnsRecord {
  try {
    return parseUnchecked(cell);
  } catch (error) {
    if (error instanceof DnsError) throw error;
    throw new DnsRecordParseError((error as Error).message ?? String(error));
  }
}

export type DnsRecordSetEntry =
  { category: bigint; record: DnsRecord } | { category: bigint; record: null; error: DnsRecordParseError };

const recordRef = {
  serialize: (src: Cell, builder: Builder) => void builder.storeRef(src),
  parse: (src: Slice): Cell => {
    if (src.remainingRefs < 1) throw new DnsRecordParseError('dictionary value without a record ref');
    return src.loadRef();
  },
};

/**
 * The answer to category 0: the root cell of `HashmapE 256 ^DNSRecord` (null = empty). A malformed record is
 * reported in its own entry; a malformed dictionary is a DnsRecordParseError. Sorted by category.
 */
export function parseDnsRecordSet(cell: Cell | null): DnsRecordSetEntry[] {
  if (cell === null) return [];
  let dict: Dictionary<bigint, Cell>;
  try {
    dict = Dictionary.loadDirect(Dictionary.Keys.BigUint(256), recordRef, cell);
  } catch (error) {
    if (error instanceof DnsError) throw error;
    throw new DnsRecordParseError(`record dictionary: ${(error as Error).message ?? String(error)}`);
  }
  const entries: DnsRecordSetEntry[] = [];
  for (const [category, value] of dict) {
    try {
      entries.push({ category, record: parseDnsRecord(value) });
    } catch (error) {
      entries.push({ category, record: null, error: error as DnsRecordParseError });
    }
  }
  return entries.sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
}

function writeText(b: Builder, text: string): void {
  const bytes = new TextEncoder().encode(text);
  // The first chunk shares the builder's cell (after the chunk count and its length byte); each next chunk has a
  // cell of its own: length byte + at most 126 bytes = 1016 bits <= 1023.
  const first = Math.max(0, Math.floor((1023 - b.bits - 16) / 8));
  const chunks: Uint8Array[] = [bytes.subarray(0, first)];
  for (let i = first; i < bytes.length; i += 126) chunks.push(bytes.subarray(i, i + 126));
  if (bytes.length === 0) chunks.length = 0;
  if (chunks.length > 255) throw new DnsRecordParseError('text longer than 255 chunks');
  let tail: Cell | null = null;
  for (let i = chunks.length - 1; i >= 1; i--) {
    const c = beginCell().storeUint(chunks[i].length, 8).storeBuffer(asBuffer(chunks[i]));
    if (tail) c.storeRef(tail);
    tail = c.endCell();
  }
  b.storeUint(chunks.length, 8);
  if (chunks.length > 0) {
    b.storeUint(chunks[0].length, 8).storeBuffer(asBuffer(chunks[0]));
    if (tail) b.storeRef(tail);
  }
}

/** DnsRecord -> its cell (the inverse of parseDnsRecord; flags are written explicitly). */
export function buildDnsRecord(record: DnsRecord): Cell {
  const b = beginCell();
  switch (record.type) {
    case 'adnl':
      if (record.adnl.length !== 32) throw new DnsRecordParseError('ADNL address must be 32 bytes');
      b.storeUint(DNS_PREFIX_ADNL, 16).storeBuffer(asBuffer(record.adnl));
      if (record.protocols === null) b.storeUint(0, 8);
      else {
        b.storeUint(1, 8);
        for (const _ of record.protocols) b.storeBit(true).storeUint(PROTO_HTTP, 16);
        b.storeBit(false);
      }
      return b.endCell();
    case 'storage':
      if (record.bagId.length !== 32) throw new DnsRecordParseError('bag id must be 32 bytes');
      return b.storeUint(DNS_PREFIX_STORAGE, 16).storeBuffer(asBuffer(record.bagId)).endCell();
    case 'next_resolver':
      return b.storeUint(DNS_PREFIX_NEXT_RESOLVER, 16).storeAddress(record.address).endCell();
    case 'smc':
      b.storeUint(DNS_PREFIX_SMC, 16).storeAddress(record.address);
      if (record.capabilities === null) b.storeUint(0, 8);
      else {
        b.storeUint(1, 8);
        for (const cap of record.capabilities) {
          b.storeBit(true);
          if (cap.type === 'name') {
            b.storeUint(CAP_NAME, 8);
            writeText(b, cap.name);
          } else
            b.storeUint(
              cap.type === 'seqno' ? CAP_SEQNO : cap.type === 'pubkey' ? CAP_PUBKEY : CAP_IS_WALLET,
              16,
            );
        }
        b.storeBit(false);
      }
      return b.endCell();
    case 'text':
      b.storeUint(DNS_PREFIX_TEXT, 16);
      writeText(b, record.text);
      return b.endCell();
    case 'unknown':
      return record.cell;
  }
}
