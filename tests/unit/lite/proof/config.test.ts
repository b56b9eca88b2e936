/**
 * Config params bound to a trusted masterchain block, on answers of the devnet liteserver (real Merkle proofs of
 * the devnet's states): the params verify and equal the chain's own; a proof of another state, a forged param
 * with a recomputed (but unanchored) proof, a key-block-mode answer, a pruned path and every single-byte change
 * are refused with a ProofError (or 'bad-boc'); random bytes give typed errors only.
 */
import { beginCell, type Cell } from '@ton/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevnetChain } from '../../../../src/devnet/chain.ts';
import { toTlBlockIdExt } from '../../../../src/devnet/liteserver/block-ids.ts';
import { getConfig } from '../../../../src/devnet/liteserver/handlers/config.ts';
import { ChainView } from '../../../../src/devnet/liteserver/view.ts';
import { configParamsFromProof, LiteError, type ConfigInfo } from '../../../../src/net/lite/index.ts';
import { checkConfigParams, ProofError } from '../../../../src/net/lite/proof/index.ts';
import { dictPath, merkleProof } from '../../../../src/net/tlb/index.ts';

let chain: DevnetChain;
let view: ChainView;
const PARAMS = [0, 1, 4];

beforeAll(async () => {
  chain = await DevnetChain.create();
  chain.seal();
  chain.seal();
  view = new ChainView(chain);
});
afterAll(() => chain.stop());

function answerAt(seqno: number, params = PARAMS): ConfigInfo {
  const mc = chain.masterBlock(seqno)!;
  return getConfig(
    { _: 'liteServer.getConfigParams', mode: 0, id: toTlBlockIdExt(mc), param_list: params },
    { view },
  );
}

function outcome(answer: ConfigInfo, ids = PARAMS): string {
  try {
    checkConfigParams(answer, answer.id, ids);
    return 'accepted';
  } catch (error) {
    if (error instanceof ProofError) return `proof:${error.code}`;
    if (error instanceof LiteError && error.kind === 'bad-boc') return 'bad-boc';
    throw error;
  }
}

describe('config params bound to the trusted block', () => {
  it('verifies the devnet answer and gives the chain’s own params', () => {
    const answer = answerAt(chain.last.id.seqno);
    const params = checkConfigParams(answer, { id: answer.id }, PARAMS);
    const mc = chain.last;
    for (const p of PARAMS) {
      const { leaf } = dictPath(mc.configRoot!, 32, BigInt(p));
      expect(params.get(p)?.equals(leaf!.loadRef()), `param ${p}`).toBe(true);
    }
    // The unbound walk (the unverified source) reads the same cells: one walk for both.
    const unbound = configParamsFromProof(answer.config_proof, PARAMS);
    for (const p of PARAMS) expect(unbound.get(p)?.equals(params.get(p)!)).toBe(true);
    expect(checkConfigParams(answer, answer.id, [PARAMS[0], 0x7fffffff]).has(0x7fffffff)).toBe(false);
  });

  it('refuses another block’s proofs, a forged param, key-block mode and a pruned path', () => {
    const last = answerAt(chain.last.id.seqno);
    const older = answerAt(chain.last.id.seqno - 1);
    // Another block's (valid) config proof or header proof under the trusted id.
    expect(outcome({ ...last, config_proof: older.config_proof })).toBe('proof:merkle');
    expect(outcome({ ...last, state_proof: older.state_proof })).toBe('proof:merkle');
    // A different block id than the trusted one.
    expect(() => checkConfigParams(older, last.id, PARAMS)).toThrow(/not the trusted/);
    // A forged param 1 in a recomputed proof: a Merkle proof of another state, not anchored in the block.
    const mc = chain.last;
    const forged = replaceParam(mc.state, 1, beginCell().storeUint(0xdead, 256).endCell());
    const forgedProof = new Uint8Array(merkleProof(forged, allCells(forged)).toBoc());
    expect(outcome({ ...last, config_proof: forgedProof })).toBe('proof:merkle');
    expect(outcome({ ...last, mode: 0x8000 })).toBe('proof:config');
    // An answer proving param 0 only, read for param 31: the path is pruned, so neither present nor absent.
    expect(outcome(answerAt(mc.id.seqno, [0]), [31])).toBe('proof:pruned');
  });

  it('refuses every single-byte change of both proofs', () => {
    const answer = answerAt(chain.last.id.seqno);
    for (const field of ['state_proof', 'config_proof'] as const) {
      const bytes = answer[field];
      for (let i = 0; i < bytes.length; i++) {
        const m = bytes.slice();
        m[i] ^= 0xff;
        expect(outcome({ ...answer, [field]: m }), `${field} byte ${i}`).not.toBe('accepted');
      }
    }
  });

  it('gives typed errors only for random bytes and bit flips', () => {
    const answer = answerAt(chain.last.id.seqno);
    fc.assert(
      fc.property(
        fc.constantFrom('state_proof', 'config_proof' as const),
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.tuple(fc.nat(), fc.nat(7)).map(([at, bit]) => [at, bit] as const),
        ),
        (field, change) => {
          let bytes: Uint8Array;
          if (change instanceof Uint8Array) bytes = change;
          else {
            bytes = answer[field as 'state_proof'].slice();
            bytes[change[0] % bytes.length] ^= 1 << change[1];
          }
          expect(outcome({ ...answer, [field]: bytes })).not.toBe('accepted');
        },
      ),
      { numRuns: 400 },
    );
  });
});

function allCells(root: Cell): Cell[] {
  const out: Cell[] = [];
  const walk = (c: Cell) => {
    out.push(c);
    c.refs.forEach(walk);
  };
  walk(root);
  return out;
}

/** The state with config param `id` replaced (rebuilding the cells on the path). */
function replaceParam(state: Cell, id: number, value: Cell): Cell {
  const rebuild = (cell: Cell, refs: Cell[]) => {
    const b = beginCell().storeBits(cell.bits);
    refs.forEach((r) => b.storeRef(r));
    return b.endCell({ exotic: cell.isExotic });
  };
  const swap = (cell: Cell, path: Cell[], depth: number): Cell => {
    if (depth === path.length - 1) {
      // leaf: value ^Cell is its only ref
      return rebuild(cell, [value]);
    }
    const next = path[depth + 1];
    return rebuild(
      cell,
      cell.refs.map((r) => (r.equals(next) ? swap(r, path, depth + 1) : r)),
    );
  };
  const extra = state.refs[3];
  const s = extra.beginParse();
  s.skip(16);
  if (s.loadBit()) s.loadRef();
  s.skip(256);
  const config = s.loadRef();
  const { cells } = dictPath(config, 32, BigInt(id));
  const newConfig = swap(config, cells, 0);
  const newExtra = rebuild(
    extra,
    extra.refs.map((r) => (r.equals(config) ? newConfig : r)),
  );
  return rebuild(
    state,
    state.refs.map((r, i) => (i === 3 ? newExtra : r)),
  );
}
