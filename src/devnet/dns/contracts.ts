/**
 * The real TON DNS contract code, read from ../shared/spec/dns.json and checked by hash before use.
 *
 * - Root resolver ("Root DNS resolver 2.0", dns-contract func/root-dns.fc): dns.json `root_dns.code_boc_hex`.
 *   Check: with dns.json's computed root data, StateInit hashes to the mainnet root address
 *   -1:e56754f8…df35c (= mainnet ConfigParam 4), so this is the deployed mainnet root code.
 * - .ton collection and domain item (func/nft-collection.fc, func/nft-item.fc): dns.json
 *   `ton_collection.code_boc_hex_candidate` and `dns_item.code_boc_hex_candidate`. Check: a collection with this
 *   code, this item code and content = off-chain URI "https://dns.ton.org/collection.json" hashes exactly to
 *   the TESTNET .ton DNS collection 0:e33ed33a…c7dd (kQDjPtM6QusgMgWfl9kMcG-EALslbTITnKcH8VZK1pnH3f3K), so both
 *   are the code deployed for .ton on testnet. Mainnet's .ton collection and items run other builds of the same
 *   sources (code hashes eec5bbc2… and 8b5ffc9e…, which we do not have as BoCs); their dnsresolve interface is
 *   the same.
 * - .t.me: mainnet's .t.me collection runs Fragment's code, which is not public in our inputs. The devnet's .t.me
 *   zone is a second instance of the .ton collection code above.
 */
import { readFileSync } from 'node:fs';
import { Address, beginCell, Cell, contractAddress } from '@ton/core';

const DNS_JSON_URL = new URL('../../../../shared/spec/dns.json', import.meta.url);

/** Off-chain metadata cell as TEP-64 writes it: 0x01 then the URI bytes (in one cell when short). */
export function offchainContent(uri: string): Cell {
  return beginCell().storeUint(1, 8).storeStringTail(uri).endCell();
}

/** The testnet .ton DNS collection (see the module comment). */
export const TESTNET_TON_COLLECTION = Address.parse('kQDjPtM6QusgMgWfl9kMcG-EALslbTITnKcH8VZK1pnH3f3K');
export const TESTNET_TON_COLLECTION_CONTENT = 'https://dns.ton.org/collection.json';

export interface DnsContractCode {
  root: Cell;
  collection: Cell;
  item: Cell;
  /** Hex hashes, for logs and reports. */
  hashes: { root: string; collection: string; item: string };
}

export class DnsContractCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsContractCheckError';
  }
}

let cached: DnsContractCode | undefined;

function cellFromHex(hex: string): Cell {
  return Cell.fromBoc(Buffer.from(hex, 'hex'))[0];
}

/** Loads and verifies the three codes (once per process). Throws DnsContractCheckError on any mismatch. */
export function loadDnsContractCode(): DnsContractCode {
  if (cached) return cached;
  const spec = JSON.parse(readFileSync(DNS_JSON_URL, 'utf8'));
  const root = cellFromHex(spec.root_dns.code_boc_hex);
  const rootData = cellFromHex(spec.root_dns.data_boc_hex_computed);
  const mainnetRoot = Address.parseRaw(spec.root_dns.address_raw);
  if (!contractAddress(-1, { code: root, data: rootData }).equals(mainnetRoot)) {
    throw new DnsContractCheckError('dns.json root code+data do not hash to the mainnet root address');
  }
  const collection = cellFromHex(spec.ton_collection.code_boc_hex_candidate);
  const item = cellFromHex(spec.dns_item.code_boc_hex_candidate);
  const testnetData = beginCell()
    .storeRef(offchainContent(TESTNET_TON_COLLECTION_CONTENT))
    .storeRef(item)
    .endCell();
  if (!contractAddress(0, { code: collection, data: testnetData }).equals(TESTNET_TON_COLLECTION)) {
    throw new DnsContractCheckError(
      'dns.json collection+item code do not hash to the testnet .ton collection',
    );
  }
  cached = {
    root,
    collection,
    item,
    hashes: {
      root: root.hash().toString('hex'),
      collection: collection.hash().toString('hex'),
      item: item.hash().toString('hex'),
    },
  };
  return cached;
}
