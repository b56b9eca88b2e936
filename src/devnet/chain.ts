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
 * Validators (validators/): the config carries ConfigParam 34 (validators_ext) and 28 (catchain_config_new with
 * shuffle_mc_validators), every masterchain block names the subset that signs it (gen_catchain_seqno,
 * gen_validator_list_hash_short) and carries that subset's signatures (ordinary sets, simplex ones from
 * `simplexFromSeqno` on). Key blocks (BlockInfo.key_block, McBlockExtra.key_block + config) come at seqno 1 (the
 * devnet's trust anchor, `firstKeyBlock`), every `keyBlockInterval` blocks and whenever the config changed; a
 * validator-set rotation (new keys in ConfigParam 34) every `rotationInterval` blocks is such a change. The
 * masterchain state keeps validator_info, prev_blocks (every earlier masterchain block), after_key_block and
 * last_key_block as the collator writes them (ton validator/impl/collator.cpp `create_mc_state_extra`).
 * Key blocks stay queryable forever (forward block-proof links start at them); other blocks for MAX_HISTORY seals.
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
import { createHash, randomBytes } from 'node:crypto';
import type { SignatureSet } from '../net/lite/proof/signed-message.ts';
import { buildBlock, fileHash } from './tlb/block.ts';
import { OldMcBlocks } from './tlb/old-mc-blocks.ts';
import { deriveValidators, type DevnetValidator } from './validators/keys.ts';
import {
  CONFIG_CATCHAIN,
  CONFIG_CUR_VALIDATORS,
  mcSubset,
  signMasterBlock,
  type McSubset,
  type SimplexCandidateId,
} from './validators/signer.ts';
import { catchainConfigCell, mcCatchainLifetime, validatorSetCell } from './validators/config.ts';
import { dictPath, FULL_SHARD, type ExtBlkRef } from '../net/tlb/index.ts';
import {
  buildMcStateExtra,
  buildShardAccounts,
  buildShardState,
  type McStateExtraInput,
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
  /** Masterchain: a key block (the zero state counts as one, as in C++ `is_key_state`). */
  keyBlock: boolean;
  /** Masterchain blocks after the zero state: the signature set of the subset that signed it. */
  signatures: SignatureSet | null;
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
  /** Validators in ConfigParam 34 (default 7, weights 10:17:24:...). */
  validators?: number;
  /** `main` of ConfigParam 34: masterchain validators (default: all but one when there are more than 3). */
  mainValidators?: number;
  /** Seed of the validator keys (default: random). */
  validatorSeed?: string;
  /** A key block at least every this many masterchain blocks (default 100; 0 = only on config changes). */
  keyBlockInterval?: number;
  /** New validator keys (a new ConfigParam 34, so a key block) every this many blocks (default 500; 0 = never). */
  rotationInterval?: number;
  /** Masterchain blocks from this seqno on carry simplex signature sets, ordinary ones before (default 32). */
  simplexFromSeqno?: number;
  /** ConfigParam 28 mc_catchain_lifetime in seconds (default 250 as on mainnet; the catchain seqno also grows). */
  mcCatchainLifetime?: number;
}

const DEFAULTS = {
  validators: 7,
  keyBlockInterval: 100,
  rotationInterval: 500,
  simplexFromSeqno: 32,
  mcCatchainLifetime: 250,
};
/** ConfigParam 34 utime_until - utime_since. */
const VALIDATORS_ELECTED_FOR = 65536;

export class DevnetChain {
  readonly blockchain: Blockchain;
  private readonly storage: LocalBlockchainStorage;
  private readonly mc: DevnetBlock[] = [];
  private readonly bc: DevnetBlock[] = [];
  private readonly listeners = new Set<(block: DevnetBlock) => void>();
  private timer: NodeJS.Timeout | null = null;
  /** The last key block sealed so far (the zero state at first). */
  private lastKeyBlock!: ExtBlkRef;
  private configDirty = false;
  private readonly options: Required<Omit<DevnetChainOptions, 'blockIntervalMs'>>;
  /** Every validator key of every epoch, by hex public key (the old subset signs the key block that rotates). */
  private readonly validatorKeys = new Map<string, DevnetValidator>();
  private epoch = 0;
  /** Seqnos of the key blocks (the zero state first), ascending; key blocks are never dropped from history. */
  private readonly keySeqnos: number[] = [];
  private readonly keyBlocks = new Map<number, DevnetBlock>();
  private prevBlocks = OldMcBlocks.empty();
  /** The subset of the last state (it signs the next block). */
  private subset!: McSubset;
  private lastCandidate: { ccSeqno: number; id: SimplexCandidateId } | null = null;
  /** Parsed sandbox config, cached by its base64 text (parsing it costs ~100 ms). */
  private configCache: { base64: string; cell: Cell; dict: Dictionary<number, Cell> } | null = null;

  private constructor(blockchain: Blockchain, storage: LocalBlockchainStorage, options: DevnetChainOptions) {
    this.blockchain = blockchain;
    this.storage = storage;
    const validators = options.validators ?? DEFAULTS.validators;
    this.options = {
      validators,
      mainValidators: options.mainValidators ?? (validators > 3 ? validators - 1 : validators),
      validatorSeed: options.validatorSeed ?? randomBytes(16).toString('hex'),
      keyBlockInterval: options.keyBlockInterval ?? DEFAULTS.keyBlockInterval,
      rotationInterval: options.rotationInterval ?? DEFAULTS.rotationInterval,
      simplexFromSeqno: options.simplexFromSeqno ?? DEFAULTS.simplexFromSeqno,
      mcCatchainLifetime: options.mcCatchainLifetime ?? DEFAULTS.mcCatchainLifetime,
    };
    const o = this.options;
    if (!(o.mainValidators >= 1 && o.mainValidators <= validators))
      throw new RangeError('mainValidators must be 1..validators');
    for (const [name, value] of Object.entries(o)) {
      if (typeof value === 'number' && !(Number.isInteger(value) && value >= 0))
        throw new RangeError(`${name} must be a non-negative integer`);
    }
    if (o.mcCatchainLifetime < 1) throw new RangeError('mcCatchainLifetime must be at least 1');
  }

  static async create(options: DevnetChainOptions = {}): Promise<DevnetChain> {
    const storage = new LocalBlockchainStorage();
    // The sandbox's "slim" config (2 KB: no mainnet validator sets or bridge params) instead of its 150 KB mainnet
    // copy: the TVM parses the config on every get method, so this makes runSmcMethod ~3x faster.
    const blockchain = await Blockchain.create({ storage, config: 'slim' });
    const chain = new DevnetChain(blockchain, storage, options);
    chain.setConfigParam(
      CONFIG_CATCHAIN,
      catchainConfigCell({ mcCatchainLifetime: chain.options.mcCatchainLifetime }),
    );
    chain.installValidators(Math.floor(Date.now() / 1000));
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

  /** Masterchain block by seqno (undefined if never sealed or dropped from history; key blocks never are). */
  masterBlock(seqno: number): DevnetBlock | undefined {
    return findBySeqno(this.mc, seqno) ?? this.keyBlocks.get(seqno);
  }

  /** The first key block after the zero state (seqno 1): the devnet's trust anchor (global config init_block). */
  get firstKeyBlock(): DevnetBlock {
    const block = this.keyBlocks.get(1);
    if (!block) throw new Error('the devnet has not sealed its first block yet');
    return block;
  }

  /** The key block with the largest seqno <= `seqno` (the zero state at least); C++ `prev_key_block_id`. */
  prevKeyBlock(seqno: number): DevnetBlock {
    let found = 0;
    for (const k of this.keySeqnos) if (k <= seqno) found = k;
    return this.keyBlocks.get(found)!;
  }

  /** The key block with the smallest seqno >= `seqno` and <= `upTo`, if any; C++ `next_key_block_id`. */
  nextKeyBlock(seqno: number, upTo: number): DevnetBlock | undefined {
    const k = this.keySeqnos.find((x) => x >= seqno);
    return k !== undefined && k <= upTo ? this.keyBlocks.get(k) : undefined;
  }

  /** Seqnos of every key block so far (the zero state first). */
  get keyBlockSeqnos(): readonly number[] {
    return this.keySeqnos;
  }

  /** A block of either workchain matching `id` (hashes compared when given). */
  findBlock(id: { workchain: number; shard: bigint; seqno: number; rootHash?: Buffer; fileHash?: Buffer }) {
    const list = id.workchain === MASTERCHAIN ? this.mc : id.workchain === BASECHAIN ? this.bc : [];
    const block =
      BigInt.asUintN(64, id.shard) !== FULL_SHARD
        ? undefined
        : id.workchain === MASTERCHAIN
          ? this.masterBlock(id.seqno)
          : findBySeqno(list, id.seqno);
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
    if ('seqno' in by)
      return workchain === MASTERCHAIN ? this.masterBlock(by.seqno) : findBySeqno(list, by.seqno);
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
    const mcSeqno = prevMc.id.seqno + 1;
    const utime = Math.max(prevMc.utime, Math.floor(Date.now() / 1000));
    const { rotationInterval, keyBlockInterval } = this.options;
    if (rotationInterval > 0 && mcSeqno % rotationInterval === 0)
      this.installValidators(utime, this.epoch + 1);
    const keyBlock =
      mcSeqno === 1 ||
      this.configDirty ||
      (keyBlockInterval > 0 && mcSeqno - this.lastKeyBlock.seqno >= keyBlockInterval);
    const startLt = prevMc.endLt;
    const endLt = (this.blockchain.lt > startLt ? this.blockchain.lt : startLt) + 1000n;
    const accounts = this.accountsByWorkchain();
    const version = this.globalVersion;
    const mcRef = extRef(prevMc);
    const seed = (tag: string) => createHash('sha256').update(tag).update(mcRef.rootHash).digest();
    // The subset of the previous state signs this block; the new state names the next one (collator.cpp step 5:
    // the catchain seqno grows on a key block and when utime crosses a multiple of mc_catchain_lifetime).
    const signing = this.subset;
    const lifetime = mcCatchainLifetime(this.config.get(CONFIG_CATCHAIN)) || 1;
    const ccUpdated = keyBlock || Math.floor(utime / lifetime) > Math.floor(prevMc.utime / lifetime);
    const next = mcSubset(this.config, signing.ccSeqno + (ccUpdated ? 1 : 0));

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
      genValidatorListHashShort: 0,
      genCatchainSeqno: 0,
      keyConfig: null,
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

    const shards = [shardDescr(bc, mcSeqno, prevMc.id.seqno)];
    const mcAccounts = buildShardAccounts(accounts.get(MASTERCHAIN) ?? []);
    this.prevBlocks = this.prevBlocks.with(prevMc.id.seqno, { key: prevMc.keyBlock, ref: mcRef });
    const mcExtra = this.mcStateExtra(shards, {
      lastKeyBlock: this.lastKeyBlock,
      afterKeyBlock: keyBlock,
      validatorInfo: {
        listHashShort: next.stateHash,
        catchainSeqno: next.ccSeqno,
        nxCcUpdated: ccUpdated,
      },
    });
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
      genValidatorListHashShort: signing.hash,
      genCatchainSeqno: signing.ccSeqno,
      keyConfig: keyBlock ? { address: this.configAddress, root: this.configRoot } : null,
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
    mc.keyBlock = keyBlock;
    mc.signatures = this.sign(mc, signing);
    if (keyBlock) {
      this.lastKeyBlock = extRef(mc);
      this.keySeqnos.push(mcSeqno);
      this.keyBlocks.set(mcSeqno, mc);
    }
    this.subset = next;
    this.configDirty = false;
    for (const listener of this.listeners) listener(mc);
    return mc;
  }

  /** The signature set of `mc` by `subset`: simplex from options.simplexFromSeqno on, ordinary before. */
  private sign(mc: DevnetBlock, subset: McSubset): SignatureSet {
    const simplex = mc.id.seqno >= this.options.simplexFromSeqno;
    const parent = simplex && this.lastCandidate?.ccSeqno === subset.ccSeqno ? this.lastCandidate.id : null;
    const signed = signMasterBlock({
      block: {
        workchain: mc.id.workchain,
        shard: BigInt.asIntN(64, mc.id.shard),
        seqno: mc.id.seqno,
        root_hash: mc.id.rootHash,
        file_hash: mc.id.fileHash,
      },
      subset,
      keys: this.validatorKeys,
      simplex: simplex ? { parent } : null,
    });
    this.lastCandidate = signed.candidateId ? { ccSeqno: subset.ccSeqno, id: signed.candidateId } : null;
    return signed.signatures;
  }

  /** Generates the validators of `epoch` and puts them into ConfigParam 34 (a config change: the next block is key). */
  private installValidators(utime: number, epoch = 0): void {
    this.epoch = epoch;
    const validators = deriveValidators(this.options.validatorSeed, epoch, this.options.validators);
    for (const v of validators) this.validatorKeys.set(Buffer.from(v.keyPair.publicKey).toString('hex'), v);
    this.setConfigParam(
      CONFIG_CUR_VALIDATORS,
      validatorSetCell(validators, this.options.mainValidators, utime, utime + VALIDATORS_ELECTED_FOR),
    );
  }

  /** How many validator rotations happened (0 before the first). */
  get validatorEpoch(): number {
    return this.epoch;
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
    // The zero state is a key state without a last key block; block 1 names it as its previous key block.
    this.subset = mcSubset(this.config, 0);
    const mcExtra = this.mcStateExtra(shards, {
      lastKeyBlock: null,
      afterKeyBlock: true,
      validatorInfo: { listHashShort: this.subset.stateHash, catchainSeqno: 0, nxCcUpdated: false },
    });
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
    mc.keyBlock = true;
    this.lastKeyBlock = mcZero;
    this.keySeqnos.push(0);
    this.keyBlocks.set(0, mc);
    this.configDirty = false;
  }

  /** ConfigParam 0 (config contract address, 256 bits). */
  private get configAddress(): bigint {
    const p0 = this.config.get(0);
    return p0 ? p0.beginParse().loadUintBig(256) : 0n;
  }

  private mcStateExtra(
    shards: ShardDescr[],
    extra: Pick<McStateExtraInput, 'lastKeyBlock' | 'afterKeyBlock' | 'validatorInfo'>,
  ): Cell {
    return buildMcStateExtra({
      shards,
      configAddress: this.configAddress,
      configRoot: this.configRoot,
      globalBalance: GLOBAL_BALANCE,
      prevBlocks: this.prevBlocks,
      ...extra,
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
      keyBlock: false,
      signatures: null,
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
      keyBlock: false,
      signatures: null,
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
