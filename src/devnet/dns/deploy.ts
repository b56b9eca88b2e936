/**
 * Puts TON DNS into a @ton/sandbox Blockchain with the real contracts (contracts.ts) and registers the demo
 * names (demo-domains.json) the way users do on chain:
 *
 * - Collections (.ton, .t.me, and one sub-domain registry per parent of a 3rd+-level name) are deployed by a
 *   message carrying their StateInit (content cell + item code) and an op::fill_up body.
 * - Each name is minted by the collection's own op 0 (label in the message "comment", price >= the minimum);
 *   the item it deploys runs its auction; after the auction ends (sandbox clock moved past auction_end_time)
 *   the winner's first op::change_dns_record (0x4eb1f0f9) makes it the owner and writes the record, then one
 *   change_dns_record per further record. Sub-domains: the parent's owner writes a dns_next_resolver record
 *   pointing at the registry the sub-domain is minted in.
 * - The root resolver has no message handlers (empty recv_internal): its account is created directly with
 *   setShardAccount, with the real code and data built the way the contract reads it (three MsgAddressInt:
 *   .ton collection, .t.me collection, www.ton target) — our devnet addresses instead of mainnet's.
 * - ConfigParam 4 of the sandbox config is set to the root (the devnet liteserver serves its own copy too).
 *
 * "Expired" demo names are registered 400 days in the past and never renewed. The sandbox clock is restored
 * afterwards.
 */
import { Address, beginCell, Cell, contractAddress, Dictionary, toNano } from '@ton/core';
import {
  createShardAccount,
  type Blockchain,
  type SandboxContract,
  type SendMessageResult,
  type TreasuryContract,
} from '@ton/sandbox';
import {
  buildDnsRecord,
  dnsItemAddress,
  dnsRootConfigParam,
  DNS_CATEGORY_NEXT_RESOLVER,
  DNS_ROOT_CONFIG_PARAM,
  type DnsRecord,
} from '../../net/dns/index.ts';
import { loadDnsContractCode, offchainContent } from './contracts.ts';
import {
  demoCategory,
  demoRecord,
  loadDemoDomains,
  validateDemoDomains,
  type DemoDomainsSpec,
} from './demo-spec.ts';

const OP_FILL_UP = 0x370fec51;
const OP_CHANGE_DNS_RECORD = 0x4eb1f0f9;
const EXPIRED_AGE_SECONDS = 400 * 24 * 3600;
/** Above the contracts' minimum price for any label length once the price decay is over. */
const MINT_VALUE = toNano('1100');

export interface DeployedDnsName {
  name: string;
  description?: string;
  /** The domain's NFT item, which answers dnsresolve for the name. */
  item: Address;
  /** The collection (or sub-domain registry) the item was minted in, and the label it was minted for. */
  registry: Address;
  label: string;
  owner: Address;
  /** Records as written, by category (includes dns_next_resolver of parents of sub-domains). */
  records: Map<bigint, DnsRecord>;
  expired: boolean;
}

export interface DeployedDns {
  root: Address;
  collections: { ton: Address; tme: Address };
  /** Parent name -> the registry its sub-domains are minted in. */
  subRegistries: Map<string, Address>;
  www: Address;
  names: DeployedDnsName[];
  unregistered: string[];
  /** The wallet that owns every demo name (it can change records: see setDnsRecord). */
  owner: SandboxContract<TreasuryContract>;
  codeHashes: { root: string; collection: string; item: string };
}

export class DnsDeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsDeployError';
  }
}

function expectSuccess(result: SendMessageResult, what: string): void {
  for (const tx of result.transactions) {
    const d = tx.description;
    if (d.type !== 'generic') continue;
    const compute = d.computePhase;
    const failed = d.aborted || (compute.type === 'vm' && !compute.success);
    if (failed) {
      const code = compute.type === 'vm' ? compute.exitCode : `skipped (${compute.reason})`;
      throw new DnsDeployError(
        `${what}: transaction on ${tx.inMessage?.info.dest?.toString()} failed, exit ${code}`,
      );
    }
  }
}

async function deployCollection(
  blockchain: Blockchain,
  owner: SandboxContract<TreasuryContract>,
  contentUri: string,
): Promise<Address> {
  const code = loadDnsContractCode();
  const data = beginCell().storeRef(offchainContent(contentUri)).storeRef(code.item).endCell();
  const address = contractAddress(0, { code: code.collection, data });
  const result = await owner.send({
    to: address,
    value: toNano('1'),
    init: { code: code.collection, data },
    body: beginCell().storeUint(OP_FILL_UP, 32).storeUint(0, 64).endCell(),
  });
  expectSuccess(result, `deploying collection ${contentUri}`);
  return address;
}

function changeRecordBody(category: bigint, record: Cell | null): Cell {
  const b = beginCell().storeUint(OP_CHANGE_DNS_RECORD, 32).storeUint(0, 64).storeUint(category, 256);
  if (record) b.storeRef(record);
  return b.endCell();
}

/** The owner writes (or, with null, deletes) one record of a domain item through op::change_dns_record. */
export async function sendChangeDnsRecord(
  owner: SandboxContract<TreasuryContract>,
  item: Address,
  category: bigint,
  record: DnsRecord | null,
): Promise<void> {
  const result = await owner.send({
    to: item,
    value: toNano('0.1'),
    body: changeRecordBody(category, record ? buildDnsRecord(record) : null),
  });
  expectSuccess(result, `change_dns_record on ${item.toString()}`);
}

/** Mints `label` in a dns-contract collection and claims it after the auction. Leaves the clock past the auction. */
async function mint(
  blockchain: Blockchain,
  owner: SandboxContract<TreasuryContract>,
  registry: Address,
  label: string,
  at: number,
): Promise<Address> {
  const code = loadDnsContractCode();
  blockchain.now = at;
  const result = await owner.send({
    to: registry,
    value: MINT_VALUE,
    body: beginCell().storeUint(0, 32).storeStringTail(label).endCell(),
  });
  expectSuccess(result, `minting ${label}`);
  const item = dnsItemAddress(registry, code.item, label);
  const auction = await blockchain.runGetMethod(item, 'get_auction_info');
  auction.stackReader.readAddressOpt();
  auction.stackReader.readBigNumber();
  const auctionEnd = auction.stackReader.readNumber();
  blockchain.now = Math.max(at, auctionEnd) + 1;
  return item;
}

export interface DeployDnsOptions {
  /** Set ConfigParam 4 of the sandbox config to the new root (default true). */
  setConfigParam?: boolean;
}

/** Sets ConfigParam 4 (the DNS root) in the sandbox's config. */
export function setDnsRootInConfig(blockchain: Blockchain, root: Address): void {
  const dict = Dictionary.loadDirect(Dictionary.Keys.Int(32), Dictionary.Values.Cell(), blockchain.config);
  dict.set(DNS_ROOT_CONFIG_PARAM, dnsRootConfigParam(root));
  blockchain.setConfig(beginCell().storeDictDirect(dict).endCell());
}

export async function deployDns(
  blockchain: Blockchain,
  spec: DemoDomainsSpec = loadDemoDomains(),
  options: DeployDnsOptions = {},
): Promise<DeployedDns> {
  validateDemoDomains(spec);
  const code = loadDnsContractCode();
  const savedNow = blockchain.now;
  const base = savedNow ?? Math.floor(Date.now() / 1000);
  try {
    // The sandbox keeps each account's clock monotonic: everything starts in the past, oldest first.
    blockchain.now = base - EXPIRED_AGE_SECONDS - 3600;
    const owner = await blockchain.treasury('tonsite-devnet-dns-owner');
    const ton = await deployCollection(blockchain, owner, 'tonsite-devnet:.ton');
    const tme = await deployCollection(blockchain, owner, 'tonsite-devnet:.t.me');
    const subRegistries = new Map<string, Address>();
    const names: DeployedDnsName[] = [];
    const byName = new Map<string, DeployedDnsName>();

    // Expired names first (they live in the past), then by depth so parents exist before their sub-domains.
    const order = [...spec.domains].sort(
      (a, b) =>
        Number(!!b.expired) - Number(!!a.expired) || a.name.split('.').length - b.name.split('.').length,
    );
    let clock = base - EXPIRED_AGE_SECONDS;
    let switchedToPresent = false;
    for (const d of order) {
      if (!d.expired && !switchedToPresent) {
        clock = Math.max(clock, base - 3 * 3600);
        switchedToPresent = true;
      }
      const zone = d.name.endsWith('.t.me') ? 't.me' : 'ton';
      const labels = d.name.split('.');
      const label = labels[0];
      const parentName = labels.slice(1).join('.');
      let registry: Address;
      if (parentName === zone) registry = zone === 'ton' ? ton : tme;
      else {
        const parent = byName.get(parentName);
        if (!parent) throw new DnsDeployError(`${d.name}: parent ${parentName} is not registered`);
        let sub = subRegistries.get(parentName);
        if (!sub) {
          blockchain.now = clock;
          sub = await deployCollection(blockchain, owner, `tonsite-devnet:sub-domains-of:${parentName}`);
          subRegistries.set(parentName, sub);
          const next: DnsRecord = { type: 'next_resolver', address: sub };
          await sendChangeDnsRecord(owner, parent.item, DNS_CATEGORY_NEXT_RESOLVER, next);
          parent.records.set(DNS_CATEGORY_NEXT_RESOLVER, next);
        }
        registry = sub;
      }
      const item = await mint(blockchain, owner, registry, label, clock);
      const records = new Map<bigint, DnsRecord>();
      const entries = Object.entries(d.records ?? {});
      if (entries.length === 0) {
        // Claiming needs one message after the auction: delete a record that is not there.
        await sendChangeDnsRecord(owner, item, demoCategory('site'), null);
      }
      for (const [category, recordSpec] of entries) {
        const record = demoRecord(d.name, category, recordSpec);
        await sendChangeDnsRecord(owner, item, demoCategory(category), record);
        records.set(demoCategory(category), record);
      }
      clock = (blockchain.now ?? clock) + 1;
      const deployed: DeployedDnsName = {
        name: d.name,
        description: d.description,
        item,
        registry,
        label,
        owner: owner.address,
        records,
        expired: !!d.expired,
      };
      names.push(deployed);
      byName.set(d.name, deployed);
    }

    const wwwLabel = (spec.www ?? 'foundation.ton').split('.')[0];
    const www = dnsItemAddress(ton, code.item, wwwLabel);
    const rootData = beginCell().storeAddress(ton).storeAddress(tme).storeAddress(www).endCell();
    const root = contractAddress(-1, { code: code.root, data: rootData });
    await blockchain.setShardAccount(
      root,
      createShardAccount({
        address: root,
        code: code.root,
        data: rootData,
        balance: toNano('10'),
        workchain: -1,
      }),
    );
    if (options.setConfigParam ?? true) setDnsRootInConfig(blockchain, root);

    return {
      root,
      collections: { ton, tme },
      subRegistries,
      www,
      names,
      unregistered: spec.unregistered ?? [],
      owner,
      codeHashes: code.hashes,
    };
  } finally {
    blockchain.now = savedNow;
  }
}
