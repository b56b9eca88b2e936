/**
 * The devnet's validators, key blocks and getBlockProof chains, read back field by field as block.tlb writes them
 * (strict reads that must end exactly where the type ends) and checked with the client's own subset / hash /
 * signed-message code: every masterchain block is signed by > 2/3 of the weight of the subset its header names,
 * key blocks carry ConfigParam 34 + 28, prev_blocks lists every earlier block, and the proof chains follow
 * liteserver.cpp's `construct_proof_chain`.
 */
import { Cell, Dictionary, loadShardStateUnsplit, type Slice } from '@ton/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DevnetChain, type DevnetBlock } from '../../../src/devnet/chain.ts';
import { buildProofChain, headerProofBoc, MAX_LINKS } from '../../../src/devnet/liteserver/block-links.ts';
import { verify } from '../../../src/net/crypto/index.ts';
import { checkBlockHeaderProof } from '../../../src/net/lite/proof/block-header.ts';
import { messageToSign } from '../../../src/net/lite/proof/signed-message.ts';
import {
  masterchainSubset,
  nodeIdShort,
  parseCatchainConfig,
  parseValidatorSet,
  validatorSetHash,
} from '../../../src/net/lite/proof/validator-set.ts';
import { dictPath, loadExtBlkRef } from '../../../src/net/tlb/index.ts';

const KEY_INTERVAL = 5;
const ROTATION = 12;
const SIMPLEX_FROM = 8;
const SEALS = 40;

let chain: DevnetChain;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

beforeAll(async () => {
  chain = await DevnetChain.create({
    validators: 7,
    validatorSeed: 'unit',
    keyBlockInterval: KEY_INTERVAL,
    rotationInterval: ROTATION,
    simplexFromSeqno: SIMPLEX_FROM,
  });
  for (let i = 0; i < SEALS; i++) chain.seal();
});

function blocks(): DevnetBlock[] {
  return Array.from({ length: SEALS + 1 }, (_, i) => chain.masterBlock(i)!);
}

/** McBlockExtra read per block.tlb; returns key_block and the config root (key blocks). */
function readMcBlockExtra(block: Cell): { key: boolean; config: Cell | null } {
  const extra = block.refs[3];
  const e = extra.beginParse();
  expect(e.loadUint(32)).toBe(0x4a33f6fd);
  for (let i = 0; i < 3; i++) e.loadRef(); // in_msg_descr out_msg_descr account_blocks
  e.skip(512); // rand_seed created_by
  const mc = e.loadMaybeRef()!;
  expect(e.remainingBits).toBe(0);
  const s = mc.beginParse();
  expect(s.loadUint(16)).toBe(0xcca5);
  const key = s.loadBit();
  s.loadMaybeRef(); // shard_hashes
  expect(s.loadBit()).toBe(false); // shard_fees: ahme_empty
  s.loadCoins(); // ShardFeeCreated.fees
  s.loadMaybeRef();
  s.loadCoins(); // .create
  s.loadMaybeRef();
  s.loadRef(); // ^[ prev_blk_signatures recover_create_msg mint_msg ]
  let config: Cell | null = null;
  if (key) {
    s.skip(256); // config_addr
    config = s.loadRef();
  }
  expect(s.remainingBits).toBe(0);
  expect(s.remainingRefs).toBe(0);
  return { key, config };
}

/** McStateExtra's ^[ flags validator_info prev_blocks after_key_block last_key_block ] read per block.tlb. */
function readStateInfo(block: DevnetBlock) {
  const state = loadShardStateUnsplit(block.state.beginParse());
  expect(state.extras).toBeTruthy(); // @ton/core reads McStateExtra's config and global_balance
  const info = block.mcExtra!.refs[block.mcExtra!.refs.length - 1].beginParse();
  expect(info.loadUint(16)).toBe(0);
  const validatorInfo = { hash: info.loadUint(32), cc: info.loadUint(32), nx: info.loadBit() };
  const prevRoot = info.loadBit() ? info.loadRef() : null;
  const extraKey = info.loadBit();
  const extraMaxLt = info.loadUintBig(64);
  const afterKeyBlock = info.loadBit();
  const lastKeyBlock = info.loadBit() ? loadExtBlkRef(info) : null;
  expect(info.remainingBits).toBe(0);
  expect(info.remainingRefs).toBe(0);
  return { validatorInfo, prevRoot, extraKey, extraMaxLt, afterKeyBlock, lastKeyBlock };
}

function configDict(root: Cell) {
  return Dictionary.loadDirect(Dictionary.Keys.Int(32), Dictionary.Values.Cell(), root);
}

describe('devnet validators and key blocks', () => {
  it('makes block 1, every 5th block and every rotation a key block with ConfigParam 34 + 28 in McBlockExtra', () => {
    const keys = blocks()
      .filter((b) => b.keyBlock)
      .map((b) => b.id.seqno);
    expect(keys).toEqual(chain.keyBlockSeqnos);
    // 1; then 5 after the last key block; the rotation at 12 and 24 and 36 restarts the count.
    expect(keys).toEqual([0, 1, 6, 11, 12, 17, 22, 24, 29, 34, 36]);
    for (const b of blocks().slice(1)) {
      const { key, config } = readMcBlockExtra(b.block!);
      const header = checkBlockHeaderProof(Cell.fromBoc(Buffer.from(headerProofBoc(b)))[0], {
        workchain: -1,
        shard: -(2n ** 63n),
        seqno: b.id.seqno,
        root_hash: b.id.rootHash,
        file_hash: b.id.fileHash,
      });
      expect(key).toBe(b.keyBlock);
      expect(header.info.keyBlock).toBe(b.keyBlock);
      expect(header.info.prevKeyBlockSeqno).toBe(chain.prevKeyBlock(b.id.seqno - 1).id.seqno);
      if (!key) continue;
      const dict = configDict(config!);
      expect(config!.hash()).toEqual(b.configRoot!.hash());
      const vset = parseValidatorSet(dict.get(34)!);
      expect(vset.total).toBe(7);
      expect(vset.main).toBe(6);
      expect(new Set(vset.list.map((v) => v.weight)).size).toBe(7); // unequal weights
      expect(parseCatchainConfig(dict.get(28)!).shuffleMcValidators).toBe(true);
    }
  });

  it('rotates the validator keys at every rotation and names the subset of the previous state in each header', () => {
    const all = blocks();
    const pubkeysAt = (b: DevnetBlock) =>
      parseValidatorSet(configDict(b.configRoot!).get(34)!).list.map((v) => hex(v.publicKey));
    expect(pubkeysAt(all[11])).toEqual(pubkeysAt(all[1]));
    expect(pubkeysAt(all[12])).not.toEqual(pubkeysAt(all[11]));
    expect(pubkeysAt(all[24]).some((k) => pubkeysAt(all[12]).includes(k))).toBe(false);
    let lastCc = -1;
    for (const b of all.slice(1)) {
      const prevState = readStateInfo(all[b.id.seqno - 1]);
      const info = b.block!.refs[0].beginParse();
      info.skip(32 + 32 + 8 + 8 + 32 + 32 + 104 + 32 + 64 + 64);
      const hash = info.loadUint(32);
      const cc = info.loadUint(32);
      expect(cc).toBe(prevState.validatorInfo.cc);
      expect(cc).toBeGreaterThanOrEqual(lastCc);
      lastCc = cc;
      // The subset from the config of the previous state (= of the previous key block).
      const cfg = configDict(chain.prevKeyBlock(b.id.seqno - 1).configRoot!);
      const nodes = masterchainSubset(parseValidatorSet(cfg.get(34)!), parseCatchainConfig(cfg.get(28)!), cc);
      expect(nodes).toHaveLength(6);
      expect(hash).toBe(validatorSetHash(nodes, cc));
      expect(prevState.validatorInfo.hash).toBe(validatorSetHash(nodes, 0));
      // Signatures: valid, by the subset, > 2/3 of its weight, not always the same signers.
      const set = b.signatures!;
      expect(set._).toBe(
        b.id.seqno >= SIMPLEX_FROM ? 'liteServer.signatureSet.simplex' : 'liteServer.signatureSet.ordinary',
      );
      const message = messageToSign(set, {
        workchain: -1,
        shard: -(2n ** 63n),
        seqno: b.id.seqno,
        root_hash: b.id.rootHash,
        file_hash: b.id.fileHash,
      });
      const byId = new Map(nodes.map((n) => [hex(nodeIdShort(n.publicKey)), n]));
      const total = nodes.reduce((s, n) => s + n.weight, 0n);
      let signed = 0n;
      for (const sig of set.signatures) {
        const node = byId.get(hex(sig.node_id_short))!;
        expect(node).toBeTruthy();
        expect(verify(sig.signature, message, node.publicKey)).toBe(true);
        signed += node.weight;
      }
      expect(3n * signed > 2n * total).toBe(true);
      expect(set.signatures.length).toBeLessThan(nodes.length + 1);
    }
    const signerCounts = new Set(all.slice(1).map((b) => b.signatures!.signatures.length));
    expect(signerCounts.size).toBeGreaterThan(1);
    // Each key block starts a new catchain: the block after it names the next catchain seqno.
    expect(readStateInfo(all[12]).validatorInfo.cc).toBeGreaterThan(readStateInfo(all[11]).validatorInfo.cc);
  });

  it('keeps every earlier block in prev_blocks, with after_key_block and last_key_block as the collator writes them', () => {
    const all = blocks();
    const last = all[SEALS];
    const info = readStateInfo(last);
    expect(info.afterKeyBlock).toBe(last.keyBlock);
    expect(info.lastKeyBlock!.seqno).toBe(chain.prevKeyBlock(SEALS - 1).id.seqno);
    expect(info.extraKey).toBe(true);
    expect(info.extraMaxLt).toBe(all[SEALS - 1].endLt);
    for (const b of all.slice(0, SEALS)) {
      const { leaf } = dictPath(info.prevRoot!, 32, BigInt(b.id.seqno));
      const l: Slice = leaf!;
      // Leaf: extra KeyMaxLt, then KeyExtBlkRef.
      expect(l.loadBit()).toBe(b.keyBlock);
      expect(l.loadUintBig(64)).toBe(b.endLt);
      expect(l.loadBit()).toBe(b.keyBlock);
      const ref = loadExtBlkRef(l);
      expect(ref.seqno).toBe(b.id.seqno);
      expect(hex(ref.rootHash)).toBe(hex(b.id.rootHash));
      expect(hex(ref.fileHash)).toBe(hex(b.id.fileHash));
      expect(l.remainingBits).toBe(0);
    }
    expect(dictPath(info.prevRoot!, 32, BigInt(SEALS)).leaf).toBeNull();
    const zero = readStateInfo(all[0]);
    expect(zero.afterKeyBlock).toBe(true);
    expect(zero.prevRoot).toBeNull();
    expect(zero.lastKeyBlock).toBeNull();
  });
});

describe('getBlockProof chains (liteserver.cpp construct_proof_chain)', () => {
  const kinds = (p: ReturnType<typeof buildProofChain>) =>
    p.steps.map((s) => `${s._ === 'liteServer.blockLinkBack' ? 'B' : 'F'}${s.from.seqno}-${s.to.seqno}`);

  it('goes forward key block to key block, then to the target', () => {
    const p = buildProofChain(chain, chain.masterBlock(1)!, chain.masterBlock(27)!, chain.last);
    // 1 → 6 → 11 → 12 → 17 → 22 → 24 → 29 (next key block past the target) → back to 27.
    expect(kinds(p)).toEqual(['F1-6', 'F6-11', 'F11-12', 'F12-17', 'F17-22', 'F22-24', 'F24-29', 'B29-27']);
    expect(p.complete).toBe(true);
    expect(p.to.seqno).toBe(27);
  });

  it('goes back from a non-key block to its key block first, and straight back to an older target', () => {
    // The next key block (17) is known to the reference state: forward to it, then back (as C++ does).
    expect(kinds(buildProofChain(chain, chain.masterBlock(14)!, chain.masterBlock(16)!, chain.last))).toEqual(
      ['B14-12', 'F12-17', 'B17-16'],
    );
    expect(kinds(buildProofChain(chain, chain.masterBlock(30)!, chain.masterBlock(3)!, chain.last))).toEqual([
      'B30-3',
    ]);
    // With the reference state at the target (mode 0x1000), later key blocks are unknown: straight to it.
    expect(
      kinds(buildProofChain(chain, chain.masterBlock(12)!, chain.masterBlock(16)!, chain.masterBlock(16)!)),
    ).toEqual(['F12-16']);
  });

  it('stops after 16 links with complete = false and `to` where it stopped', async () => {
    const long = await DevnetChain.create({
      validatorSeed: 'long',
      keyBlockInterval: 1,
      rotationInterval: 0,
    });
    for (let i = 0; i < 20; i++) long.seal();
    const p = buildProofChain(long, long.masterBlock(1)!, long.last, long.last);
    expect(p.steps).toHaveLength(MAX_LINKS);
    expect(p.complete).toBe(false);
    expect(p.to.seqno).toBe(17);
    const rest = buildProofChain(long, long.masterBlock(17)!, long.last, long.last);
    expect(rest.complete).toBe(true);
    expect(kinds(rest)).toEqual(['F17-18', 'F18-19', 'F19-20']);
  });
});
