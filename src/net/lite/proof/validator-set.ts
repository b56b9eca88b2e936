/**
 * The masterchain validator set a forward block link is checked against (PROOFS.md §2.3 steps 2-3): ConfigParam 34
 * (`cur_validators`) and ConfigParam 28 (catchain config) of a key block, the masterchain subset computed from them
 * exactly as ton does, its short hash (what block headers and signature sets carry) and node ids. Both ends live
 * here: the readers for the client, the writers for the devnet's key blocks.
 *
 *   validator#53 public_key:SigPubKey weight:uint64 = ValidatorDescr;                              (block.tlb l.614)
 *   validator_addr#73 public_key:SigPubKey weight:uint64 adnl_addr:bits256 = ValidatorDescr;
 *   validators#11 utime_since:uint32 utime_until:uint32 total:(## 16) main:(## 16) { main <= total } { main >= 1 }
 *     list:(Hashmap 16 ValidatorDescr) = ValidatorSet;
 *   validators_ext#12 utime_since:uint32 utime_until:uint32 total:(## 16) main:(## 16) { main <= total }
 *     { main >= 1 } total_weight:uint64 list:(HashmapE 16 ValidatorDescr) = ValidatorSet;
 *   ed25519_pubkey#8e81278a pubkey:bits256 = SigPubKey;                                             (l.586)
 *   catchain_config#c1 mc_catchain_lifetime:uint32 shard_catchain_lifetime:uint32
 *     shard_validators_lifetime:uint32 shard_validators_num:uint32 = CatchainConfig;
 *   catchain_config_new#c2 flags:(## 7) { flags = 0 } shuffle_mc_validators:Bool mc_catchain_lifetime:uint32
 *     shard_catchain_lifetime:uint32 shard_validators_lifetime:uint32 shard_validators_num:uint32 = CatchainConfig;
 */
import { beginCell, Dictionary, type Builder, type Cell, type DictionaryValue, type Slice } from '@ton/core';
import { Buffer } from 'buffer';
import { adnlId, crc32c, sha512 } from '../../crypto/index.ts';
import { loadHmLabel } from '../../tlb/index.ts';
import { ProofError } from './errors.ts';
import { parsing, readable } from './merkle.ts';

const VALIDATOR_TAG = 0x53;
const VALIDATOR_ADDR_TAG = 0x73;
const VALIDATORS_TAG = 0x11;
const VALIDATORS_EXT_TAG = 0x12;
const ED25519_PUBKEY_TAG = 0x8e81278a;
const CATCHAIN_CONFIG_TAG = 0xc1;
const CATCHAIN_CONFIG_NEW_TAG = 0xc2;
const UINT64_MAX = (1n << 64n) - 1n;
/** Masterchain shard and workchain (the PRNG descriptor of the masterchain subset). */
const MC_SHARD = 0x8000000000000000n;
const MC_WORKCHAIN = -1;
/** `test0.validatorSet` TL id, kept as the magic of the hash (ton crypto/block/block.cpp l.2298). */
const VSET_HASH_MAGIC = -1877581587;

/** One validator as the config lists it; `adnlAddr` is all zeros for a `validator#53` (C++ `set_zero()`). */
export interface ValidatorDescr {
  publicKey: Uint8Array;
  weight: bigint;
  adnlAddr: Uint8Array;
}

/** ConfigParam 34 (or 32/36) as ton's `Config::unpack_validator_set` accepts it. */
export interface ValidatorSetConfig {
  utimeSince: number;
  utimeUntil: number;
  total: number;
  main: number;
  /** Sum of all weights (checked against `validators_ext`'s declared total). */
  totalWeight: bigint;
  /** In dictionary key order 0..total-1. */
  list: ValidatorDescr[];
}

/** What of ConfigParam 28 the masterchain subset depends on. */
export interface CatchainConfig {
  /** `catchain_config_new` with the flag set; false for `catchain_config`, an absent or an unreadable param. */
  shuffleMcValidators: boolean;
}

function fail(message: string): never {
  throw new ProofError('validator-set', message);
}

/**
 * Leaves of a Hashmap n whose root edge starts at `s` (inline: `validators#11`'s list) under a proven root; forks
 * are refs, which must be readable (a pruned fork is a proof that does not show the whole set).
 */
function hashmapLeaves(s: Slice, n: number, prefix: bigint, out: { key: number; value: Slice }[]): void {
  const label = loadHmLabel(s, n);
  const key = label === '' ? prefix : (prefix << BigInt(label.length)) | BigInt('0b' + label);
  const rest = n - label.length;
  if (rest === 0) {
    out.push({ key: Number(key), value: s });
    return;
  }
  // hmn_fork#_ left:^(Hashmap n X) right:^(Hashmap n X) (block.tlb l.27)
  if (s.remainingRefs < 2) fail('validator list: dictionary fork without both branches');
  const left = readable(s.loadRef(), 'validator list branch');
  const right = readable(s.loadRef(), 'validator list branch');
  hashmapLeaves(left.beginParse(), rest - 1, key << 1n, out);
  hashmapLeaves(right.beginParse(), rest - 1, (key << 1n) | 1n, out);
}

/**
 * ValidatorDescr as `Config::unpack_validator_set` reads it: `validator_addr#73` first (not required to be
 * exact), otherwise `validator#53` with nothing after it; the key must be `ed25519_pubkey`, the weight non-zero.
 */
function parseValidatorDescr(s: Slice, index: number): ValidatorDescr {
  const what = `validator #${index}`;
  const tag = s.remainingBits >= 8 ? s.preloadUint(8) : -1;
  const keyedBits = 8 + 32 + 256 + 64;
  let descr: ValidatorDescr;
  if (tag === VALIDATOR_ADDR_TAG && s.remainingBits >= keyedBits + 256) {
    s.skip(8);
    if (s.loadUint(32) !== ED25519_PUBKEY_TAG) fail(`${what} has no Ed25519 public key`);
    descr = {
      publicKey: new Uint8Array(s.loadBuffer(32)),
      weight: s.loadUintBig(64),
      adnlAddr: new Uint8Array(s.loadBuffer(32)),
    };
  } else if (tag === VALIDATOR_TAG && s.remainingBits === keyedBits && s.remainingRefs === 0) {
    s.skip(8);
    if (s.loadUint(32) !== ED25519_PUBKEY_TAG) fail(`${what} has no Ed25519 public key`);
    descr = {
      publicKey: new Uint8Array(s.loadBuffer(32)),
      weight: s.loadUintBig(64),
      adnlAddr: new Uint8Array(32),
    };
  } else {
    fail(`${what} has an invalid ValidatorDescr record`);
  }
  if (descr.weight === 0n) fail(`${what} has zero weight`);
  return descr;
}

/**
 * Reads ConfigParam 34 (the cell the config dictionary refers to) the way ton crypto/block/mc-config.cpp
 * `Config::unpack_validator_set` does: `validators_ext#12` (non-zero declared total weight that must equal the
 * sum) or `validators#11`; keys exactly 0..total-1; every weight non-zero; the sum below 2^64.
 * ProofError('validator-set'), or ('pruned'/'malformed') for a proof that does not show the whole set.
 */
export function parseValidatorSet(cell: Cell): ValidatorSetConfig {
  return parsing('ConfigParam 34', () => {
    const s = readable(cell, 'ConfigParam 34').beginParse();
    const tag = s.loadUint(8);
    if (tag !== VALIDATORS_TAG && tag !== VALIDATORS_EXT_TAG) fail('not a ValidatorSet');
    const utimeSince = s.loadUint(32);
    const utimeUntil = s.loadUint(32);
    const total = s.loadUint(16);
    const main = s.loadUint(16);
    if (main > total || main < 1) fail(`main ${main} out of range for total ${total}`);
    const leaves: { key: number; value: Slice }[] = [];
    let declared = 0n;
    if (tag === VALIDATORS_EXT_TAG) {
      declared = s.loadUintBig(64);
      if (declared === 0n) fail('validator set cannot have zero total weight');
      // list:(HashmapE 16 ValidatorDescr): hme_empty$0 | hme_root$1 root:^(Hashmap 16 X)
      if (s.loadBit()) hashmapLeaves(readable(s.loadRef(), 'validator list').beginParse(), 16, 0n, leaves);
    } else {
      hashmapLeaves(s, 16, 0n, leaves);
    }
    leaves.sort((a, b) => a.key - b.key);
    if (leaves.length === 0 || leaves[leaves.length - 1].key !== total - 1)
      fail(
        'maximal index in a validator set dictionary must be one less than the total number of validators',
      );
    if (leaves.length !== total || leaves.some((leaf, i) => leaf.key !== i))
      fail('indices in a validator set dictionary must be integers 0..total-1');
    let totalWeight = 0n;
    const list = leaves.map((leaf, i) => {
      const descr = parseValidatorDescr(leaf.value, i);
      totalWeight += descr.weight;
      if (totalWeight > UINT64_MAX) fail('total weight of all validators in validator set exceeds 2^64');
      return descr;
    });
    if (declared !== 0n && declared !== totalWeight) fail('validator set declares incorrect total weight');
    return { utimeSince, utimeUntil, total, main, totalWeight, list };
  });
}

/**
 * ConfigParam 28 as `Config::unpack_catchain_validators_config` reads it: `catchain_config#c1` exactly, else
 * `catchain_config_new#c2` exactly; an absent param or any other content gives the defaults (no shuffle).
 */
export function parseCatchainConfig(cell: Cell | null): CatchainConfig {
  if (!cell) return { shuffleMcValidators: false };
  const s = readable(cell, 'ConfigParam 28').beginParse();
  if (s.remainingRefs === 0 && s.remainingBits === 8 + 4 * 32 && s.preloadUint(8) === CATCHAIN_CONFIG_TAG)
    return { shuffleMcValidators: false };
  if (
    s.remainingRefs === 0 &&
    s.remainingBits === 8 + 8 + 4 * 32 &&
    s.preloadUint(8) === CATCHAIN_CONFIG_NEW_TAG
  ) {
    s.skip(8);
    if (s.loadUint(7) === 0) return { shuffleMcValidators: s.loadBit() };
  }
  return { shuffleMcValidators: false };
}

/**
 * ton crypto/block/mc-config.h `ValidatorSetPRNG` (tonutils-go ton/prng.go): SHA-512 of the 48-byte descriptor
 * `seed[32] | shard u64 BE | workchain i32 BE | cc_seqno u32 BE` gives eight big-endian u64s; after each hash the
 * seed is incremented as a 256-bit big-endian number.
 */
export class ValidatorSetPrng {
  private readonly descr = new Uint8Array(48);
  private hash: Uint8Array = new Uint8Array(64);
  private pos = 0;
  private limit = 0;

  constructor(
    ccSeqno: number,
    shard: bigint = MC_SHARD,
    workchain: number = MC_WORKCHAIN,
    seed?: Uint8Array,
  ) {
    if (seed) this.descr.set(seed.subarray(0, 32));
    const view = new DataView(this.descr.buffer);
    view.setBigUint64(32, BigInt.asUintN(64, shard));
    view.setInt32(40, workchain);
    view.setUint32(44, ccSeqno >>> 0);
  }

  nextU64(): bigint {
    if (this.pos < this.limit) return this.word(this.pos++);
    this.hash = sha512(this.descr);
    for (let i = 31; i >= 0; i--) {
      this.descr[i] = (this.descr[i] + 1) & 0xff;
      if (this.descr[i] !== 0) break;
    }
    this.pos = 1;
    this.limit = 8;
    return this.word(0);
  }

  /** A number in 0..range-1: the high 64 bits of range × next u64. */
  nextRanged(range: bigint): bigint {
    return (range * this.nextU64()) >> 64n;
  }

  private word(i: number): bigint {
    return new DataView(this.hash.buffer, this.hash.byteOffset).getBigUint64(i * 8);
  }
}

/**
 * The masterchain validator subset for catchain seqno `ccSeqno` (ton crypto/block/mc-config.cpp
 * `Config::do_compute_validator_set`, masterchain branch; tonutils-go `GetMainValidators`): the first
 * `min(main, total)` validators, shuffled by the PRNG when ConfigParam 28 says so.
 */
export function masterchainSubset(
  vset: ValidatorSetConfig,
  cc: CatchainConfig,
  ccSeqno: number,
): ValidatorDescr[] {
  const count = Math.min(vset.main, vset.total, vset.list.length);
  if (!cc.shuffleMcValidators) return vset.list.slice(0, count);
  const prng = new ValidatorSetPrng(ccSeqno);
  const idx = new Array<number>(count).fill(0);
  for (let i = 0; i < count; i++) {
    const j = Number(prng.nextRanged(BigInt(i + 1))); // 0..i
    idx[i] = idx[j];
    idx[j] = i;
  }
  return idx.map((i) => vset.list[i]);
}

/**
 * Short hash of a validator subset (ton crypto/block/block.cpp `compute_validator_set_hash`): CRC32-C of
 * `i32 LE -1877581587 | u32 LE cc_seqno | u32 LE n | n × (pubkey[32] | u64 LE weight | adnl_addr[32])`.
 */
export function validatorSetHash(nodes: readonly ValidatorDescr[], ccSeqno: number): number {
  const bytes = new Uint8Array(12 + nodes.length * 72);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, VSET_HASH_MAGIC, true);
  view.setUint32(4, ccSeqno >>> 0, true);
  view.setUint32(8, nodes.length, true);
  nodes.forEach((node, i) => {
    const at = 12 + i * 72;
    bytes.set(node.publicKey, at);
    view.setBigUint64(at + 32, node.weight, true);
    bytes.set(node.adnlAddr, at + 40);
  });
  return crc32c(bytes);
}

/** A validator's node id short: the TL hash of `pub.ed25519 key` (check-proof.cpp `compute_node_id_short`). */
export function nodeIdShort(publicKey: Uint8Array): Uint8Array {
  return adnlId(publicKey);
}

// --- writers (the devnet's key blocks) ---

/** A validator for `buildValidatorSet`; without `adnlAddr` it is written as `validator#53`. */
export interface ValidatorEntry {
  publicKey: Uint8Array;
  weight: bigint;
  adnlAddr?: Uint8Array;
}

const descrValue: DictionaryValue<ValidatorEntry> = {
  serialize(v: ValidatorEntry, b: Builder) {
    b.storeUint(v.adnlAddr ? VALIDATOR_ADDR_TAG : VALIDATOR_TAG, 8)
      .storeUint(ED25519_PUBKEY_TAG, 32)
      .storeBuffer(Buffer.from(v.publicKey), 32)
      .storeUint(v.weight, 64);
    if (v.adnlAddr) b.storeBuffer(Buffer.from(v.adnlAddr), 32);
  },
  parse(): ValidatorEntry {
    throw new Error('write-only dictionary value');
  },
};

/**
 * ConfigParam 34 cell: `validators_ext#12` (as mainnet has it) unless `ext` is false (`validators#11`); `main`
 * defaults to every validator.
 */
export function buildValidatorSet(options: {
  utimeSince: number;
  utimeUntil: number;
  validators: readonly ValidatorEntry[];
  main?: number;
  ext?: boolean;
}): Cell {
  const { validators } = options;
  const total = validators.length;
  const main = options.main ?? total;
  if (total === 0 || total > 0xffff || main < 1 || main > total)
    throw new RangeError(`validator set of ${total} with main ${main}`);
  for (const v of validators) {
    if (v.publicKey.length !== 32 || (v.adnlAddr && v.adnlAddr.length !== 32))
      throw new RangeError('validator keys and addresses are 32 bytes');
    if (v.weight <= 0n || v.weight > UINT64_MAX) throw new RangeError('validator weight out of range');
  }
  const dict = Dictionary.empty(Dictionary.Keys.Uint(16), descrValue);
  validators.forEach((v, i) => dict.set(i, v));
  const totalWeight = validators.reduce((sum, v) => sum + v.weight, 0n);
  if (totalWeight > UINT64_MAX) throw new RangeError('total validator weight exceeds 2^64');
  const b = beginCell()
    .storeUint(options.ext === false ? VALIDATORS_TAG : VALIDATORS_EXT_TAG, 8)
    .storeUint(options.utimeSince, 32)
    .storeUint(options.utimeUntil, 32)
    .storeUint(total, 16)
    .storeUint(main, 16);
  if (options.ext === false) dict.storeDirect(b);
  else b.storeUint(totalWeight, 64).storeDict(dict);
  return b.endCell();
}

/** ConfigParam 28 cell: `catchain_config_new#c2` with the shuffle flag, or `catchain_config#c1` when `legacy`. */
export function buildCatchainConfig(
  options: {
    shuffleMcValidators?: boolean;
    legacy?: boolean;
    mcCatchainLifetime?: number;
    shardCatchainLifetime?: number;
    shardValidatorsLifetime?: number;
    shardValidatorsNum?: number;
  } = {},
): Cell {
  const b = beginCell();
  if (options.legacy) b.storeUint(CATCHAIN_CONFIG_TAG, 8);
  else
    b.storeUint(CATCHAIN_CONFIG_NEW_TAG, 8)
      .storeUint(0, 7)
      .storeBit(options.shuffleMcValidators ?? false);
  return b
    .storeUint(options.mcCatchainLifetime ?? 250, 32)
    .storeUint(options.shardCatchainLifetime ?? 250, 32)
    .storeUint(options.shardValidatorsLifetime ?? 1000, 32)
    .storeUint(options.shardValidatorsNum ?? 7, 32)
    .endCell();
}
