/**
 * Minimal masterchain blocks and block links for the proof-chain tests, built here with @ton/core in the block.tlb
 * layouts the checker reads (Block, BlockInfo, BlockExtra → McBlockExtra → ConfigParams, ShardStateUnsplit →
 * McStateExtra → prev_blocks), signed with real Ed25519 keys. Proofs are cut as a liteserver cuts them: dest_proof
 * keeps BlockInfo only, config_proof the path to ConfigParams 34 and 28, a backward link's proof the header with
 * state_update.
 */
import { beginCell, Cell, Dictionary, type Builder } from '@ton/core';
import { keyPairFromSeed, sha256, sign, type KeyPair } from '../../../../src/net/crypto/index.ts';
import { MASTERCHAIN_SHARD, type BlockIdExt } from '../../../../src/net/lite/client.ts';
import {
  buildCatchainConfig,
  buildSimplexCandidate,
  buildValidatorSet,
  masterchainSubset,
  nodeIdShort,
  ordinaryMessage,
  parseCatchainConfig,
  parseValidatorSet,
  simplexMessage,
  validatorSetHash,
} from '../../../../src/net/lite/proof/index.ts';
import type { BlockLinkBack, BlockLinkForward } from '../../../../src/net/lite/proof/links.ts';
import {
  dictPath,
  merkleProof,
  serializeBocRoots,
  storeExtBlkRef,
  storeHashmapAugE,
  storeShardIdent,
} from '../../../../src/net/tlb/index.ts';

export interface Validator {
  keys: KeyPair;
  weight: bigint;
}

export function validators(n: number, weight = (i: number) => BigInt(10 + (i % 3))): Validator[] {
  return Array.from({ length: n }, (_, i) => ({
    keys: keyPairFromSeed(sha256(new Uint8Array([7, i]))),
    weight: weight(i),
  }));
}

export interface BlockSpec {
  seqno: number;
  key: boolean;
  utime: number;
  ccSeqno: number;
  vsetHash: number;
  /** ConfigParams of a key block (34 + 28); absent for other blocks. */
  config?: { validators: Validator[]; shuffle: boolean; main?: number };
  /** prev_blocks of the state after the block: seqno → (id, key). */
  prevBlocks?: { id: BlockIdExt; key: boolean }[];
}

export interface BuiltBlock {
  id: BlockIdExt;
  root: Cell;
  info: Cell;
  extra: Cell;
  state: Cell;
  /** Cells of the McStateExtra path (for a backward proof). */
  statePath: Cell[];
  configPath: Cell[];
}

function blockInfo(spec: BlockSpec): Cell {
  return beginCell()
    .storeUint(0x9bc7a987, 32)
    .storeUint(0, 32) // version
    .storeUint(0, 1) // not_master
    .storeUint(0, 5) // after_merge before_split after_split want_split want_merge
    .storeBit(spec.key)
    .storeUint(0, 1) // vert_seqno_incr
    .storeUint(0, 8) // flags
    .storeUint(spec.seqno, 32)
    .storeUint(0, 32) // vert_seq_no
    .store(storeShardIdent(-1, BigInt.asUintN(64, MASTERCHAIN_SHARD)))
    .storeUint(spec.utime, 32)
    .storeUint(BigInt(spec.seqno) * 1000n, 64)
    .storeUint(BigInt(spec.seqno) * 1000n + 1n, 64)
    .storeUint(spec.vsetHash, 32)
    .storeUint(spec.ccSeqno, 32)
    .storeUint(0, 32) // min_ref_mc_seqno
    .storeUint(0, 32) // prev_key_block_seqno
    .storeRef(
      beginCell()
        .store(
          storeExtBlkRef({
            endLt: 0n,
            seqno: Math.max(0, spec.seqno - 1),
            rootHash: new Uint8Array(32),
            fileHash: new Uint8Array(32),
          }),
        )
        .endCell(),
    )
    .endCell();
}

/** A cell and everything under it (a ConfigParam is kept whole in a config proof). */
function subtree(cell: Cell): Cell[] {
  return [cell, ...cell.refs.flatMap(subtree)];
}

function currencyCollection(b: Builder): void {
  b.storeCoins(0).storeBit(0);
}

function configDict(spec: NonNullable<BlockSpec['config']>): Cell {
  const dict = Dictionary.empty(Dictionary.Keys.Int(32), Dictionary.Values.Cell());
  dict.set(
    34,
    buildValidatorSet({
      utimeSince: 0,
      utimeUntil: 1 << 30,
      main: spec.main,
      validators: spec.validators.map((v, i) => ({
        publicKey: v.keys.publicKey,
        weight: v.weight,
        adnlAddr: i % 2 ? sha256(v.keys.publicKey) : undefined,
      })),
    }),
  );
  dict.set(28, buildCatchainConfig({ shuffleMcValidators: spec.shuffle }));
  for (const p of [0, 1, 15, 32]) dict.set(p, beginCell().storeUint(p, 32).endCell());
  const b = beginCell();
  dict.storeDirect(b);
  return b.endCell();
}

function blockExtra(spec: BlockSpec): { extra: Cell; path: Cell[] } {
  const mc = beginCell().storeUint(0xcca5, 16).storeBit(spec.key).storeBit(0).storeBit(0);
  currencyCollection(mc);
  currencyCollection(mc);
  mc.storeRef(beginCell().storeBit(0).storeBit(0).storeBit(0).endCell());
  let dict: Cell | null = null;
  if (spec.key) {
    if (!spec.config) throw new Error('a key block needs its config');
    dict = configDict(spec.config);
    mc.storeBuffer(Buffer.alloc(32, 0x55)).storeRef(dict);
  }
  const mcCell = mc.endCell();
  const empty = beginCell().storeBit(0).endCell();
  const extra = beginCell()
    .storeUint(0x4a33f6fd, 32)
    .storeRef(empty)
    .storeRef(beginCell().storeBit(1).endCell())
    .storeRef(beginCell().storeBit(0).storeBit(1).endCell())
    .storeBuffer(Buffer.alloc(64, 0x11))
    .storeBit(1)
    .storeRef(mcCell)
    .endCell();
  const path = [extra, mcCell];
  if (dict) {
    path.push(dict);
    for (const p of [34, 28]) {
      const walk = dictPath(dict, 32, BigInt(p));
      path.push(...walk.cells, ...subtree(walk.leaf!.loadRef()));
    }
  }
  return { extra, path };
}

function mcState(spec: BlockSpec): { state: Cell; path: Cell[] } {
  const entries = (spec.prevBlocks ?? []).map((p) => ({
    key: BigInt(p.id.seqno),
    extra: { key: p.key, lt: BigInt(p.id.seqno) * 1000n + 1n },
    storeValue: (b: Builder) =>
      b.storeBit(p.key).store(
        storeExtBlkRef({
          endLt: BigInt(p.id.seqno) * 1000n + 1n,
          seqno: p.id.seqno,
          rootHash: p.id.root_hash,
          fileHash: p.id.file_hash,
        }),
      ),
  }));
  const info = beginCell().storeUint(0, 16).storeUint(0, 32).storeUint(0, 32).storeBit(0);
  storeHashmapAugE(info, 32, entries, {
    storeExtra: (b, e: { key: boolean; lt: bigint }) => b.storeBit(e.key).storeUint(e.lt, 64),
    add: (a, b) => ({ key: a.key || b.key, lt: a.lt > b.lt ? a.lt : b.lt }),
    empty: { key: false, lt: 0n },
  });
  info.storeBit(0).storeBit(0); // after_key_block, last_key_block: nothing
  const infoCell = info.endCell();
  const configCell = spec.config ? configDict(spec.config) : beginCell().storeBit(0).endCell();
  const extraB = beginCell()
    .storeUint(0xcc26, 16)
    .storeBit(0)
    .storeBuffer(Buffer.alloc(32, 0x55))
    .storeRef(configCell)
    .storeRef(infoCell);
  currencyCollection(extraB);
  const extra = extraB.endCell();
  const state = beginCell()
    .storeUint(0x9023afe2, 32)
    .storeInt(-239, 32)
    .store(storeShardIdent(-1, BigInt.asUintN(64, MASTERCHAIN_SHARD)))
    .storeUint(spec.seqno, 32)
    .storeUint(0, 32)
    .storeUint(spec.utime, 32)
    .storeUint(0, 64)
    .storeUint(0, 32)
    .storeRef(beginCell().endCell())
    .storeBit(0)
    .storeRef(beginCell().storeUint(1, 8).endCell())
    .storeRef(beginCell().storeUint(2, 8).endCell())
    .storeBit(1)
    .storeRef(extra)
    .endCell();
  const path = [state, extra, infoCell, ...subtree(configCell)];
  const root = infoCell.refs[0];
  if (root) {
    path.push(root);
    for (const p of spec.prevBlocks ?? []) path.push(...dictPath(root, 32, BigInt(p.id.seqno)).cells);
  }
  return { state, path };
}

function merkleUpdate(from: Cell, to: Cell): Cell {
  return beginCell()
    .storeUint(4, 8)
    .storeBuffer(from.hash(0))
    .storeBuffer(to.hash(0))
    .storeUint(from.depth(0), 16)
    .storeUint(to.depth(0), 16)
    .storeRef(from)
    .storeRef(to)
    .endCell({ exotic: true });
}

export function buildBlock(spec: BlockSpec): BuiltBlock {
  const info = blockInfo(spec);
  const { extra, path: configPath } = blockExtra(spec);
  const { state, path: statePath } = mcState(spec);
  const root = beginCell()
    .storeUint(0x11ef55aa, 32)
    .storeInt(-239, 32)
    .storeRef(info)
    .storeRef(beginCell().storeUint(0xb8e48dfb, 32).endCell())
    .storeRef(merkleUpdate(beginCell().storeUint(0, 8).endCell(), state))
    .storeRef(extra)
    .endCell();
  const id: BlockIdExt = {
    _: 'tonNode.blockIdExt',
    workchain: -1,
    shard: MASTERCHAIN_SHARD,
    seqno: spec.seqno,
    root_hash: new Uint8Array(root.hash()),
    file_hash: sha256(new Uint8Array(root.hash())),
  };
  return { id, root, info, extra, state, statePath, configPath };
}

const boc = (cell: Cell) => new Uint8Array(serializeBocRoots([cell]));

/** dest_proof: BlockInfo only (liteserver.cpp `adjust_last_proof_link`). */
export function destProof(block: BuiltBlock): Uint8Array {
  return boc(merkleProof(block.root, [block.info]));
}

/** config_proof of a key block: the header and the path to ConfigParams 34 and 28. */
export function configProof(block: BuiltBlock): Uint8Array {
  return boc(merkleProof(block.root, [block.info, ...block.configPath]));
}

/** A header proof that keeps state_update (getBlockHeader mode 1, a backward link's `proof`). */
export function headerProof(block: BuiltBlock): Uint8Array {
  return boc(merkleProof(block.root, [block.info, block.root.refs[2]]));
}

export function stateProof(block: BuiltBlock): Uint8Array {
  return boc(merkleProof(block.state, block.statePath));
}

/** The subset and its hash for a block signed under `from`'s config at `ccSeqno`. */
export function subsetOf(config: NonNullable<BlockSpec['config']>, ccSeqno: number) {
  const cell = configDict(config);
  const params = Dictionary.loadDirect(Dictionary.Keys.Int(32), Dictionary.Values.Cell(), cell.beginParse());
  const vset = parseValidatorSet(params.get(34)!);
  const nodes = masterchainSubset(vset, parseCatchainConfig(params.get(28)!), ccSeqno);
  const byKey = new Map(config.validators.map((v) => [Buffer.from(v.keys.publicKey).toString('hex'), v]));
  return {
    nodes: nodes.map((n) => byKey.get(Buffer.from(n.publicKey).toString('hex'))!),
    hash: validatorSetHash(nodes, ccSeqno),
  };
}

export interface SignOptions {
  signers: Validator[];
  ccSeqno: number;
  vsetHash: number;
  simplex?: boolean;
  /** Sign this message instead of the right one. */
  message?: Uint8Array;
}

export function signatureSet(to: BlockIdExt, o: SignOptions): BlockLinkForward['signatures'] {
  const session = new Uint8Array(32).fill(0x5e);
  const candidate = buildSimplexCandidate({ block: to, collatedFileHash: new Uint8Array(32).fill(3) });
  const message = o.message ?? (o.simplex ? simplexMessage(to, session, 42, candidate) : ordinaryMessage(to));
  const signatures = o.signers.map((v) => ({
    _: 'liteServer.signature' as const,
    node_id_short: nodeIdShort(v.keys.publicKey),
    signature: sign(message, v.keys.secretKey),
  }));
  return o.simplex
    ? {
        _: 'liteServer.signatureSet.simplex',
        cc_seqno: o.ccSeqno,
        validator_set_hash: o.vsetHash | 0,
        signatures,
        session_id: session,
        slot: 42,
        candidate,
      }
    : {
        _: 'liteServer.signatureSet.ordinary',
        validator_set_hash: o.vsetHash | 0,
        catchain_seqno: o.ccSeqno,
        signatures,
      };
}

export function forwardLink(
  from: BuiltBlock,
  to: BuiltBlock,
  toKey: boolean,
  signatures: BlockLinkForward['signatures'],
): BlockLinkForward {
  return {
    _: 'liteServer.blockLinkForward',
    to_key_block: toKey,
    from: from.id,
    to: to.id,
    dest_proof: destProof(to),
    config_proof: configProof(from),
    signatures,
  };
}

export function backwardLink(from: BuiltBlock, to: BuiltBlock, toKey: boolean): BlockLinkBack {
  return {
    _: 'liteServer.blockLinkBack',
    to_key_block: toKey,
    from: from.id,
    to: to.id,
    dest_proof: destProof(to),
    proof: headerProof(from),
    state_proof: stateProof(from),
  };
}

/** A small chain: key block K0 (anchor) → key block K1 (rotated validators) → block B, all signed. */
export function sampleChain(options: { simplex?: boolean; shuffle?: boolean; now?: number } = {}) {
  const now = options.now ?? 1_800_000_000;
  const set0 = { validators: validators(9), shuffle: options.shuffle ?? true, main: 7 };
  const set1 = { validators: validators(12).slice(3), shuffle: options.shuffle ?? true };
  const k0 = buildBlock({ seqno: 100, key: true, utime: now - 600, ccSeqno: 5, vsetHash: 0, config: set0 });
  const s1 = subsetOf(set0, 6);
  const k1 = buildBlock({
    seqno: 200,
    key: true,
    utime: now - 300,
    ccSeqno: 6,
    vsetHash: s1.hash,
    config: set1,
  });
  const s2 = subsetOf(set1, 7);
  const b = buildBlock({
    seqno: 250,
    key: false,
    utime: now - 2,
    ccSeqno: 7,
    vsetHash: s2.hash,
    prevBlocks: [
      { id: k0.id, key: true },
      { id: k1.id, key: true },
    ],
  });
  const l1 = forwardLink(
    k0,
    k1,
    true,
    signatureSet(k1.id, { signers: s1.nodes, ccSeqno: 6, vsetHash: s1.hash, simplex: options.simplex }),
  );
  const l2 = forwardLink(
    k1,
    b,
    false,
    signatureSet(b.id, { signers: s2.nodes, ccSeqno: 7, vsetHash: s2.hash, simplex: options.simplex }),
  );
  return { now, set0, set1, k0, k1, b, s1, s2, l1, l2 };
}

/** A zero state carrying `config` (its block id's root hash is the state's hash) and a forward link from it. */
export function zeroState(config: NonNullable<BlockSpec['config']>): BuiltBlock {
  const built = buildBlock({ seqno: 0, key: true, utime: 1, ccSeqno: 0, vsetHash: 0, config });
  const rootHash = new Uint8Array(built.state.hash());
  return { ...built, id: { ...built.id, root_hash: rootHash, file_hash: sha256(rootHash) } };
}

export function forwardLinkFromZeroState(
  zero: BuiltBlock,
  to: BuiltBlock,
  toKey: boolean,
  signatures: BlockLinkForward['signatures'],
): BlockLinkForward {
  return { ...forwardLink(zero, to, toKey, signatures), config_proof: stateProof(zero) };
}
