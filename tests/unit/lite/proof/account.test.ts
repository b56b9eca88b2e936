/**
 * Account-state proofs against real mainnet answers: the basechain getAccountState vector (mc 48996197) verifies
 * with every expected field, and every single-byte change (and sampled single-bit changes) of its proofs, its
 * state and the block hashes is refused with a ProofError or a 'bad-boc' LiteError — never accepted, never
 * another exception. The ton-docs example (mc 31220993) verifies too; random input gives typed errors only.
 */
import { Address } from '@ton/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiteError } from '../../../../src/net/lite/index.ts';
import {
  checkAccountState,
  checkBlockHeaderProof,
  checkShardProof,
  openMerkleProof,
  proofRoots,
  ProofError,
  shardContains,
  type AccountStateAnswer,
} from '../../../../src/net/lite/proof/index.ts';
import { basechainVector, docsVector, toHex } from './vectors.ts';

const v = basechainVector();

/** The outcome of verifying a (possibly mutated) answer: 'accepted', or the error's kind. */
function outcome(answer: AccountStateAnswer, trusted = v.trusted): string {
  try {
    checkAccountState(answer, trusted, v.account);
    return 'accepted';
  } catch (error) {
    if (error instanceof ProofError) return `proof:${error.code}`;
    if (error instanceof LiteError && error.kind === 'bad-boc') return 'bad-boc';
    throw error;
  }
}

describe('account-state proof of the mainnet basechain vector', () => {
  it('verifies with every expected field', () => {
    const proven = checkAccountState(v.answer, v.trusted, v.account);
    expect(proven.kind).toBe('present');
    if (proven.kind !== 'present') return;
    const e = v.expected;
    expect(proven.balance).toBe(BigInt(e.state.balance_nanoton));
    expect(proven.lastTransLt).toBe(BigInt(e.state.last_trans_lt));
    expect(proven.shardAccountLastTransLt).toBe(BigInt(e.proof.shard_account.last_trans_lt));
    expect(toHex(proven.lastTransHash)).toBe(e.proof.shard_account.last_trans_hash);
    expect(toHex(proven.account.hash(0))).toBe(e.proof.shard_account.account_hash_in_proof);
    expect(toHex(proven.shardHeader.stateHash)).toBe(e.proof.shard_state_hash_from_state_update_new);
    expect(proven.shardHeader.info.seqno).toBe(e.proof.shard_block_header.seqno);
    expect(proven.shardHeader.info.genUtime).toBe(e.proof.shard_block_header.utime);
    expect(proven.storage.status).toBe(e.state.status);
    if (proven.storage.status !== 'active') return;
    expect(toHex(proven.storage.codeHash!)).toBe(e.state.code_hash);
    expect(toHex(proven.storage.data!.hash())).toBe(e.state.data_hash);
    const d = proven.shardDescr!;
    expect(d.seqno).toBe(e.shard_proof.shard_descr_found.seqno);
    expect(d.regMcSeqno).toBe(e.shard_proof.shard_descr_found.reg_mc_seqno);
    expect(toHex(d.rootHash)).toBe(e.shard_proof.shard_descr_found.root_hash);
    expect(toHex(d.fileHash)).toBe(e.shard_proof.shard_descr_found.file_hash);
    expect(d.shard).toBe(0x6000000000000000n);
    const shard = checkShardProof(v.trusted, v.answer.shardblk, v.answer.shard_proof);
    expect(toHex(shard.masterHeader.stateHash)).toBe(e.shard_proof.mc_state_hash_from_state_update_new);
    expect(shard.masterHeader.info.genUtime).toBe(e.shard_proof.mc_block_header.utime);
    expect(shard.masterHeader.info.prevKeyBlockSeqno).toBe(
      e.shard_proof.mc_block_header.prev_key_block_seqno,
    );
  });

  it('refuses an answer for another block, another account, or with proofs swapped', () => {
    const other = { ...v.trusted, seqno: v.trusted.seqno + 1 };
    expect(outcome(v.answer, other)).toBe('proof:block-header');
    expect(outcome({ ...v.answer, id: other }, other)).toMatch(/^proof:/);
    const wrongAccount = { workchain: 0, id: v.account.id.slice() };
    wrongAccount.id[31] ^= 1; // same shard, another account: its leaf is not in the proof
    expect(() => checkAccountState(v.answer, v.trusted, wrongAccount)).toThrow(ProofError);
    const otherShard = { workchain: 0, id: v.account.id.slice() };
    otherShard.id[0] ^= 0x80;
    expect(() => checkAccountState(v.answer, v.trusted, otherShard)).toThrow(/shard/);
    expect(outcome({ ...v.answer, proof: v.answer.shard_proof, shard_proof: v.answer.proof })).toMatch(
      /^proof:/,
    );
    expect(outcome({ ...v.answer, state: new Uint8Array(0) })).toBe('proof:account');
    expect(outcome({ ...v.answer, shard_proof: new Uint8Array(0) })).toMatch(/^(proof:|bad-boc)/);
  });

  it('shard_contains follows the prefix bits', () => {
    expect(shardContains(0x6000000000000000n, v.account.id)).toBe(true);
    expect(shardContains(0x2000000000000000n, v.account.id)).toBe(false);
    expect(shardContains(BigInt.asIntN(64, 0x8000000000000000n), v.account.id)).toBe(true);
    expect(shardContains(0n, v.account.id)).toBe(false);
  });

  it('refuses every single-byte change of shard_proof, proof, state and the block hashes', () => {
    const seen = new Map<string, number>();
    const note = (o: string) => seen.set(o, (seen.get(o) ?? 0) + 1);
    for (const field of ['shard_proof', 'proof', 'state'] as const) {
      const bytes = v.answer[field];
      for (let i = 0; i < bytes.length; i++) {
        const m = bytes.slice();
        m[i] ^= 0xff;
        const o = outcome({ ...v.answer, [field]: m });
        expect(o, `${field} byte ${i}`).not.toBe('accepted');
        note(o);
      }
    }
    for (const which of ['id', 'shardblk'] as const) {
      for (const h of ['root_hash', 'file_hash'] as const) {
        for (let i = 0; i < 32; i++) {
          const hash = v.answer[which][h].slice();
          hash[i] ^= 1 << (i % 8);
          const id = { ...v.answer[which], [h]: hash };
          const answer = { ...v.answer, [which]: id };
          expect(outcome(answer), `${which}.${h} byte ${i}`).not.toBe('accepted');
          // Trusting the changed id instead: its root hash is what every proof hangs on. (Its file hash is bound
          // only by the validators' signatures, PROOFS.md §1 — the block provider's job, not checkable here.)
          if (which === 'id' && h === 'root_hash')
            expect(outcome(answer, id as typeof v.trusted), `${which}.${h} byte ${i} trusted`).not.toBe(
              'accepted',
            );
        }
      }
      for (const f of ['seqno', 'shard'] as const) {
        const id = {
          ...v.answer[which],
          [f]: f === 'seqno' ? v.answer[which].seqno + 1 : 0x2000000000000000n,
        };
        expect(outcome({ ...v.answer, [which]: id }), `${which}.${f}`).not.toBe('accepted');
      }
    }
    expect(seen.get('accepted')).toBeUndefined();
  });

  it('refuses sampled single-bit changes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('shard_proof', 'proof', 'state' as const),
        fc.nat(),
        fc.nat(7),
        (field, at, bit) => {
          const bytes = v.answer[field as 'proof'];
          const m = bytes.slice();
          m[at % m.length] ^= 1 << bit;
          expect(outcome({ ...v.answer, [field]: m })).not.toBe('accepted');
        },
      ),
      { numRuns: 600 },
    );
  });

  it('gives typed errors only for random proofs and states', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.uint8Array({ maxLength: 400 }),
        fc.constantFrom('shard_proof', 'proof', 'state'),
        (a, b, field) => {
          const boc = b.length > 0 ? Uint8Array.from([0xb5, 0xee, 0x9c, 0x72, ...b]) : b;
          expect(outcome({ ...v.answer, [field]: a })).not.toBe('accepted');
          expect(outcome({ ...v.answer, [field]: boc })).not.toBe('accepted');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the ton-docs example answer (mc 31220993)', () => {
  it('verifies the basechain wallet through the shard proof', () => {
    const d = docsVector();
    const account = Address.parse('EQBvW8Z5huBkMJYdnfAEM5JqTNkuWX3diqYENkWsIL0XggGG');
    const answer: AccountStateAnswer = {
      id: d.mc,
      shardblk: d.shard,
      shard_proof: d.shardProof,
      proof: d.accountProof,
      state: d.state,
    };
    const proven = checkAccountState(answer, d.mc, account);
    expect(proven.kind).toBe('present');
    if (proven.kind === 'present') expect(toHex(proven.account.hash(0))).toBe(d.accountStateHash);
    expect(proven.shardDescr?.seqno).toBe(d.shard.seqno);
    // The docs' getBlockHeader proof opens against the block's root hash, but keeps state_update pruned: a header
    // proof that cannot anchor a state (check_block_header_proof reads the state hash only when asked for it).
    const [header] = proofRoots(d.headerProof, 1, 'header proof');
    expect(openMerkleProof(header, d.mc.root_hash, 'header proof').hash(0)).toEqual(
      Buffer.from(d.mc.root_hash),
    );
    expect(() => checkBlockHeaderProof(header, d.mc)).toThrow(/state_update/);
    expect(() => checkAccountState({ ...answer, shard_proof: d.headerProof }, d.mc, account)).toThrow(
      ProofError,
    );
  });
});
