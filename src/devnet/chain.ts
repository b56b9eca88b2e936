/**
 * The devnet's chain: a @ton/sandbox Blockchain (accounts, real TVM) plus the masterchain and basechain blocks the
 * devnet seals from its state. Liteservers (liteserver/) answer queries from the sealed blocks, so every answer is
 * about one consistent block, old blocks stay queryable, and block ids advance.
 *
 * Each seal builds (tlb/): per workchain (-1 and 0) a ShardStateUnsplit with the accounts of that workchain, and a
 * Block cell whose state_update points from the previous state to it; the masterchain state carries McStateExtra
 * with the config (the same config cell the TVM sees) and the basechain block in shard_hashes.
 * Block ids: root_hash = hash of the Block cell, file_hash = sha256 of its BoC. Seqno 0 is the zero state:
 * root_hash = hash of the genesis state cell, file_hash = sha256 of its BoC (as in tonNode.zeroStateIdExt).
 *
 * Other devnet parts plug in through `blockchain` (deploy contracts, send messages) and `setConfigParam`
 * (e.g. the DNS helper sets ConfigParam 4 = the root DNS contract), then call `seal()`.
 */
import {
  beginCell,
  contractAddress,
  type Address,
  Cell,
  Dictionary,
  loadDepthBalanceInfo,
  loadShardAccount,
  type ShardAccount,
} from '@ton/core';
import { Blockchain, createShardAccount, LocalBlockchainStorage } from '@ton/sandbox';
import { createHash } from 'node:crypto';
import { buildBlock, fileHash } from './tlb/block.ts';
import { dictPath, FULL_SHARD, type ExtBlkRef } from '../net/tlb/index.ts';
import {
  buildMcStateExtra,
  buildShardAccounts,
  buildShardState,
  type ShardDescr,
  type StateAccount,
} from './tlb/shard-state.ts';

export const MASTERCHAIN = -1;
export const BASECHAIN = 0;

/**
 * Total supply written in McStateExtra.global_balance: 10^18 nanotons. Its first two bits are 0, which keeps
 * @ton/core's loadMasterchainStateExtra (it reads `config:^(Hashmap ...)` as a Maybe ref, one bit too many) on
 * track, so third-party clients built on it (ton-lite-client getConfig) parse our config proofs.
 */
const GLOBAL_BALANCE = 10n ** 18n;

/** Blocks kept for queries about older blocks (about an hour at the default interval). */
const MAX_HISTORY = 1200;

export interface BlockId {
  workchain: number;
  /** Unsigned 64-bit shard id (0x8000000000000000 for the whole workchain). */
  shard: bigint;
  seqno: number;
  rootHash: Buffer;
  fileHash: Buffer;
}

export interface DevnetBlock {
  id: BlockId;
  /** Block cell; null for the zero state (seqno 0). */
  block: Cell | null;
  /** ShardStateUnsplit after this block. */
  state: Cell;
  utime: number;
  startLt: bigint;
  endLt: bigint;
  /** Root of the ShardAccounts dictionary, null when the workchain has no accounts. */
  accountsRoot: Cell | null;
  /** The `accounts:^ShardAccounts` cell of the state. */
  accountsCell: Cell;
  /** Masterchain: McStateExtra cell, config root (Hashmap 32 ^Cell) and its BoC, the basechain block it lists. */
  mcExtra: Cell | null;
  configRoot: Cell | null;
  configBase64: string | null;
  shardBlock: DevnetBlock | null;
}

export interface DevnetAccount {
  /** The `account:^Account` cell (what liteServer.accountState.state carries), null if the account is absent. */
  accountCell: Cell | null;
  shardAccount: ShardAccount | null;
  /** Block (masterchain or basechain) whose state holds the account. */
  shardBlock: DevnetBlock;
  /** Dictionary cells from the accounts root to the account's leaf (for proofs). */
  path: Cell[];
}

export interface DevnetChainOptions {
  /** Seal a new block every this many ms (0 = only on explicit seal()). Default 0; startDevnet uses 2000. */
  blockIntervalMs?: number;
}

export class DevnetChain {
  readonly blockchain: Blockchain;
  private readonly storage: LocalBlockchainStorage;
  private readonly mc: DevnetBlock[] = [];
  private readonly bc: DevnetBlock[] = [];
  private readonly listeners = new Set<(block: DevnetBlock) => void>();
  private timer: NodeJS.Timeout | null = null;
  private lastKeyBlock!: ExtBlkRef;
  private configDirty = false;
  /** Parsed sandbox config, cached by its base64 text (parsing it costs ~100 ms). */
  private configCache: { base64: string; cell: Cell; dict: Dictionary<number, Cell> } | null = null;

  private constructor(blockchain: Blockchain, storage: LocalBlockchainStorage) {
    this.blockchain = blockchain;
    this.storage = storage;
  }

  static async create(options: DevnetChainOptions = {}): Promise<DevnetChain> {
    const storage = new LocalBlockchainStorage();
    // The sandbox's "slim" config (2 KB: no mainnet validator sets or bridge params) instead of its 150 KB mainnet
    // copy: the TVM parses the config on every get method, so this makes runSmcMethod ~3x faster.
    const blockchain = await Blockchain.create({ storage, config: 'slim' });
    const chain = new DevnetChain(blockchain, storage);
    chain.genesis();
    if (options.blockIntervalMs) chain.start(options.blockIntervalMs);
    return chain;
  }

  /** The config dictionary (ConfigParam index → value cell) the TVM and the liteservers use. */
  get config(): Dictionary<number, Cell> {
    return this.currentConfig().dict;
  }

  /** Root cell (Hashmap 32 ^Cell) of the current config, and its BoC as base64 (the executor's input). */
  get configRoot(): Cell {
    return this.currentConfig().cell;
  }

  get configBase64(): string {
    return this.currentConfig().base64;
  }

  private currentConfig() {
    const base64 = this.blockchain.configBase64;
    if (this.configCache?.base64 !== base64) {
      const cell = Cell.fromBase64(base64);
      const dict = Dictionary.loadDirect(Dictionary.Keys.Int(32), Dictionary.Values.Cell(), cell);
      this.configCache = { base64, cell, dict };
    }
    return this.configCache;
  }

  /** Sets one ConfigParam (visible to get methods at once, and in answers from the next sealed block). */
  setConfigParam(index: number, value: Cell): void {
    const dict = Dictionary.loadDirect(Dictionary.Keys.Int(32), Dictionary.Values.Cell(), this.configRoot);
    dict.set(index, value);
    const cell = beginCell().storeDictDirect(dict).endCell();
    this.blockchain.setConfig(cell);
    this.configCache = { base64: this.blockchain.configBase64, cell, dict };
    this.configDirty = true;
  }

  /** global_id from ConfigParam 19 (mainnet's -239 in the sandbox's default config). */
  get globalId(): number {
    const p19 = this.config.get(19);
    return p19 ? p19.beginParse().loadInt(32) : -239;
  }

  /** GlobalVersion from ConfigParam 8 (capabilities#c4 version:uint32 capabilities:uint64). */
  get globalVersion(): { version: number; capabilities: bigint } {
    const p8 = this.config.get(8)?.beginParse();
    if (!p8 || p8.remainingBits < 104 || p8.loadUint(8) !== 0xc4) return { version: 0, capabilities: 0n };
    return { version: p8.loadUint(32), capabilities: p8.loadUintBig(64) };
  }

  /** Puts an account with `code` and `data` into the state (no deploy transaction; like a zero-state account). */
  async deploy(args: { code: Cell; data: Cell; workchain?: number; balance?: bigint }): Promise<Address> {
    const workchain = args.workchain ?? BASECHAIN;
    const address = contractAddress(workchain, { code: args.code, data: args.data });
    await this.blockchain.setShardAccount(
      address,
      createShardAccount({
        address,
        code: args.code,
        data: args.data,
        balance: args.balance ?? 10n ** 9n,
        workchain,
      }),
    );
    return address;
  }

  get last(): DevnetBlock {
    return this.mc[this.mc.length - 1];
  }

  get zeroState(): BlockId {
    return this.mc[0].id;
  }

  /** Masterchain block by seqno (undefined if never sealed or dropped from history). */
  masterBlock(seqno: number): DevnetBlock | undefined {
    return findBySeqno(this.mc, seqno);
  }

  /** A block of either workchain matching `id` (hashes compared when given). */
  findBlock(id: { workchain: number; shard: bigint; seqno: number; rootHash?: Buffer; fileHash?: Buffer }) {
    const list = id.workchain === MASTERCHAIN ? this.mc : id.workchain === BASECHAIN ? this.bc : [];
    const block = BigInt.asUintN(64, id.shard) === FULL_SHARD ? findBySeqno(list, id.seqno) : undefined;
    if (!block) return undefined;
    if (id.rootHash && !block.id.rootHash.equals(id.rootHash)) return undefined;
    if (id.fileHash && !block.id.fileHash.equals(id.fileHash)) return undefined;
    return block;
  }

  /** liteServer.lookupBlock: the block of a workchain by seqno, by logical time (contains lt) or by utime. */
  lookup(
    workchain: number,
    by: { seqno: number } | { lt: bigint } | { utime: number },
  ): DevnetBlock | undefined {
    const list = workchain === MASTERCHAIN ? this.mc : workchain === BASECHAIN ? this.bc : [];
    if ('seqno' in by) return findBySeqno(list, by.seqno);
    if ('lt' in by) return list.find((b) => b.endLt > by.lt && b.startLt <= by.lt);
    return list.find((b) => b.utime >= by.utime);
  }

  /** The account as stored in the state of `mcBlock` (through its basechain block for workchain 0). */
  account(mcBlock: DevnetBlock, address: Address): DevnetAccount | null {
    const shardBlock =
      address.workChain === MASTERCHAIN
        ? mcBlock
        : address.workChain === BASECHAIN
          ? mcBlock.shardBlock
          : null;
    if (!shardBlock) return null;
    if (!shardBlock.accountsRoot) return { accountCell: null, shardAccount: null, shardBlock, path: [] };
    const { cells, leaf } = dictPath(
      shardBlock.accountsRoot,
      256,
      BigInt('0x' + address.hash.toString('hex')),
    );
    if (!leaf) return { accountCell: null, shardAccount: null, shardBlock, path: cells };
    loadDepthBalanceInfo(leaf);
    const accountCell = leaf.preloadRef();
    return { accountCell, shardAccount: loadShardAccount(leaf), shardBlock, path: cells };
  }

  /** Calls `listener` with every new masterchain block; returns an unsubscribe function. */
  onBlock(listener: (block: DevnetBlock) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Seals new masterchain and basechain blocks from the current sandbox state; returns the masterchain block. */
  seal(): DevnetBlock {
    const prevMc = this.last;
    const prevBc = this.bc[this.bc.length - 1];
    const utime = Math.max(prevMc.utime, Math.floor(Date.now() / 1000));
    const startLt = prevMc.endLt;
    const endLt = (this.blockchain.lt > startLt ? this.blockchain.lt : startLt) + 1000n;
    const accounts = this.accountsByWorkchain();
    const version = this.globalVersion;
    const mcRef = extRef(prevMc);
    const seed = (tag: string) => createHash('sha256').update(tag).update(mcRef.rootHash).digest();

    const bcSeqno = prevBc.id.seqno + 1;
    const bcAccounts = buildShardAccounts(accounts.get(BASECHAIN) ?? []);
    const bcState = buildShardState({
      globalId: this.globalId,
      workchain: BASECHAIN,
      shard: FULL_SHARD,
      seqno: bcSeqno,
      utime,
      lt: endLt,
      minRefMcSeqno: prevMc.id.seqno,
      accounts: bcAccounts.cell,
      totalBalance: bcAccounts.total,
      masterRef: mcRef,
      mcExtra: null,
    });
    const bcBlock = buildBlock({
      globalId: this.globalId,
      workchain: BASECHAIN,
      shard: FULL_SHARD,
      seqno: bcSeqno,
      utime,
      startLt,
      endLt,
      minRefMcSeqno: prevMc.id.seqno,
      prevKeyBlockSeqno: this.lastKeyBlock.seqno,
      prev: extRef(prevBc),
      masterRef: mcRef,
      oldState: prevBc.state,
      newState: bcState,
      shards: null,
      ...version,
      randSeed: seed('basechain'),
      createdBy: Buffer.alloc(32),
    });
    const bc = this.record(
      this.bc,
      BASECHAIN,
      bcSeqno,
      bcBlock,
      bcState,
      utime,
      startLt,
      endLt,
      bcAccounts.cell,
    );

    const mcSeqno = prevMc.id.seqno + 1;
    const shards = [shardDescr(bc, mcSeqno, prevMc.id.seqno)];
    const mcAccounts = buildShardAccounts(accounts.get(MASTERCHAIN) ?? []);
    const mcExtra = this.mcStateExtra(shards);
    const mcState = buildShardState({
      globalId: this.globalId,
      workchain: MASTERCHAIN,
      shard: FULL_SHARD,
      seqno: mcSeqno,
      utime,
      lt: endLt,
      minRefMcSeqno: mcSeqno,
      accounts: mcAccounts.cell,
      totalBalance: mcAccounts.total,
      masterRef: null,
      mcExtra,
    });
    const mcBlock = buildBlock({
      globalId: this.globalId,
      workchain: MASTERCHAIN,
      shard: FULL_SHARD,
      seqno: mcSeqno,
      utime,
      startLt,
      endLt,
      minRefMcSeqno: mcSeqno,
      prevKeyBlockSeqno: this.lastKeyBlock.seqno,
      prev: mcRef,
      masterRef: null,
      oldState: prevMc.state,
      newState: mcState,
      shards,
      ...version,
      randSeed: seed('masterchain'),
      createdBy: Buffer.alloc(32),
    });
    const mc = this.record(
      this.mc,
      MASTERCHAIN,
      mcSeqno,
      mcBlock,
      mcState,
      utime,
      startLt,
      endLt,
      mcAccounts.cell,
    );
    mc.mcExtra = mcExtra;
    mc.configRoot = this.configRoot;
    mc.configBase64 = this.configBase64;
    mc.shardBlock = bc;
    this.configDirty = false;
    for (const listener of this.listeners) listener(mc);
    return mc;
  }

  /** Seals a block every `intervalMs` (idempotent; restarts with the new interval). */
  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => this.seal(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** True when config params changed since the last seal. */
  get pendingConfig(): boolean {
    return this.configDirty;
  }

  private genesis(): void {
    const accounts = this.accountsByWorkchain();
    const utime = Math.floor(Date.now() / 1000);
    const zeroRef = (state: Cell): ExtBlkRef => ({
      endLt: 0n,
      seqno: 0,
      rootHash: state.hash(0),
      fileHash: fileHash(state),
    });

    const bcAccounts = buildShardAccounts(accounts.get(BASECHAIN) ?? []);
    const bcState = buildShardState({
      globalId: this.globalId,
      workchain: BASECHAIN,
      shard: FULL_SHARD,
      seqno: 0,
      utime,
      lt: 0n,
      minRefMcSeqno: 0,
      accounts: bcAccounts.cell,
      totalBalance: bcAccounts.total,
      masterRef: null,
      mcExtra: null,
    });
    const bcZero = zeroRef(bcState);
    const bc = this.recordZero(this.bc, BASECHAIN, bcState, bcZero, utime, bcAccounts.cell);

    const shards = [shardDescr(bc, 0, 0)];
    const mcAccounts = buildShardAccounts(accounts.get(MASTERCHAIN) ?? []);
    // The zero state is its own last key block; McStateExtra refers to it once it exists (from seqno 1).
    this.lastKeyBlock = { endLt: 0n, seqno: 0, rootHash: Buffer.alloc(32), fileHash: Buffer.alloc(32) };
    const mcExtra = this.mcStateExtra(shards, null);
    const mcState = buildShardState({
      globalId: this.globalId,
      workchain: MASTERCHAIN,
      shard: FULL_SHARD,
      seqno: 0,
      utime,
      lt: 0n,
      minRefMcSeqno: 0,
      accounts: mcAccounts.cell,
      totalBalance: mcAccounts.total,
      masterRef: null,
      mcExtra,
    });
    const mcZero = zeroRef(mcState);
    const mc = this.recordZero(this.mc, MASTERCHAIN, mcState, mcZero, utime, mcAccounts.cell);
    mc.mcExtra = mcExtra;
    mc.configRoot = this.configRoot;
    mc.configBase64 = this.configBase64;
    mc.shardBlock = bc;
    this.lastKeyBlock = mcZero;
  }

  private mcStateExtra(shards: ShardDescr[], lastKeyBlock: ExtBlkRef | null = this.lastKeyBlock): Cell {
    const p0 = this.config.get(0);
    return buildMcStateExtra({
      shards,
      configAddress: p0 ? p0.beginParse().loadUintBig(256) : 0n,
      configRoot: this.configRoot,
      globalBalance: GLOBAL_BALANCE,
      lastKeyBlock,
    });
  }

  private accountsByWorkchain(): Map<number, StateAccount[]> {
    const byWc = new Map<number, StateAccount[]>();
    for (const contract of this.storage.knownContracts()) {
      const shardAccount = contract.account;
      if (!shardAccount.account) continue;
      const wc = contract.address.workChain;
      if (wc !== MASTERCHAIN && wc !== BASECHAIN) continue;
      const list = byWc.get(wc) ?? [];
      list.push({ address: contract.address, shardAccount });
      byWc.set(wc, list);
    }
    return byWc;
  }

  private record(
    list: DevnetBlock[],
    workchain: number,
    seqno: number,
    built: { cell: Cell; rootHash: Buffer; fileHash: Buffer },
    state: Cell,
    utime: number,
    startLt: bigint,
    endLt: bigint,
    accountsCell: Cell,
  ): DevnetBlock {
    const block: DevnetBlock = {
      id: { workchain, shard: FULL_SHARD, seqno, rootHash: built.rootHash, fileHash: built.fileHash },
      block: built.cell,
      state,
      utime,
      startLt,
      endLt,
      accountsRoot: accountsRootOf(accountsCell),
      accountsCell,
      mcExtra: null,
      configRoot: null,
      configBase64: null,
      shardBlock: null,
    };
    list.push(block);
    // Keep the zero state (index 0) forever; drop the oldest sealed block beyond the history limit.
    if (list.length > MAX_HISTORY + 1) list.splice(1, 1);
    return block;
  }

  private recordZero(
    list: DevnetBlock[],
    workchain: number,
    state: Cell,
    ref: ExtBlkRef,
    utime: number,
    accountsCell: Cell,
  ): DevnetBlock {
    const block: DevnetBlock = {
      id: {
        workchain,
        shard: FULL_SHARD,
        seqno: 0,
        rootHash: Buffer.from(ref.rootHash),
        fileHash: Buffer.from(ref.fileHash),
      },
      block: null,
      state,
      utime,
      startLt: 0n,
      endLt: 0n,
      accountsRoot: accountsRootOf(accountsCell),
      accountsCell,
      mcExtra: null,
      configRoot: null,
      configBase64: null,
      shardBlock: null,
    };
    list.push(block);
    return block;
  }
}

export function extRef(block: DevnetBlock): ExtBlkRef {
  return {
    endLt: block.endLt,
    seqno: block.id.seqno,
    rootHash: block.id.rootHash,
    fileHash: block.id.fileHash,
  };
}

function shardDescr(block: DevnetBlock, regMcSeqno: number, minRefMcSeqno: number): ShardDescr {
  return {
    workchain: block.id.workchain,
    seqno: block.id.seqno,
    regMcSeqno,
    startLt: block.startLt,
    endLt: block.endLt,
    rootHash: block.id.rootHash,
    fileHash: block.id.fileHash,
    minRefMcSeqno,
    utime: block.utime,
    shard: FULL_SHARD,
  };
}

/** ahme_root$1 root:^(HashmapAug ...) — the dictionary root, or null for ahme_empty$0. */
function accountsRootOf(accountsCell: Cell): Cell | null {
  return accountsCell.beginParse().loadBit() ? accountsCell.refs[0] : null;
}

function findBySeqno(list: DevnetBlock[], seqno: number): DevnetBlock | undefined {
  if (list.length === 0) return undefined;
  if (seqno === 0) return list[0];
  // Sealed blocks have consecutive seqnos from list[1] on (older ones may have been dropped).
  const first = list[1]?.id.seqno ?? Infinity;
  return seqno < first ? undefined : list[1 + seqno - first];
}
