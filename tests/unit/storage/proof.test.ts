/**
 * Piece proofs checked from their BoC bytes (src/net/storage/proof.ts) against a reference that parses them
 * with @ton/core cells (what verifyPieceProof did before): both accept exactly the same proofs — ours, C++-style
 * ones with every off-path subtree and the leaf itself pruned, BoCs with an index or without a CRC — and any
 * mutation is refused. Plus the WebCrypto piece digest and its fallback.
 */
import { beginCell, Cell, CellType, convertToMerkleProof } from '@ton/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/net/crypto/index.ts';
import { pieceDigest } from '../../../src/net/storage/digest.ts';
import { verifyPieceProofWith } from '../../../src/net/storage/merkle.ts';
import { checkPieceProof, crc32c } from '../../../src/net/storage/proof.ts';
import {
  leafCellHash,
  MerkleTree,
  merkleDepth,
  StorageError,
  verifyPieceProof,
} from '../../../src/net/storage/index.ts';

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const eq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** The @ton/core reading of a proof (the checks verifyPieceProof made before proof.ts). */
function referenceVerify(
  proof: Uint8Array,
  rootHash: Uint8Array,
  index: number,
  n: number,
  data: Uint8Array,
) {
  const roots = Cell.fromBoc(Buffer.from(proof));
  if (roots.length !== 1) throw new Error('roots');
  const root = roots[0];
  if (root.type !== CellType.MerkleProof) throw new Error('not a proof');
  let node = root.refs[0];
  if (!eq(u8(node.hash(0)), rootHash)) throw new Error('root');
  for (let h = merkleDepth(n) - 1; h >= 0; h--) {
    if (node.isExotic || node.bits.length !== 0 || node.refs.length !== 2) throw new Error('inner');
    node = node.refs[(index >> h) & 1];
  }
  const pieceHash = sha256(data);
  if (node.type === CellType.PrunedBranch) {
    if (node.depth(0) !== 0 || !eq(u8(node.hash(0)), leafCellHash(pieceHash))) throw new Error('leaf');
    return;
  }
  if (node.isExotic || node.bits.length !== 256 || node.refs.length !== 0) throw new Error('leaf shape');
  if (!eq(u8(node.beginParse().loadBuffer(32)), pieceHash)) throw new Error('leaf hash');
}

function pieces(n: number, size = 64): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => new Uint8Array(size - (i === n - 1 ? 7 : 0)).fill(i * 37 + 1));
}

const pruned = (c: Cell): Cell =>
  beginCell()
    .storeUint(1, 8)
    .storeUint(1, 8)
    .storeBuffer(c.hash(0))
    .storeUint(c.depth(0), 16)
    .endCell({ exotic: true });

/** A C++-style proof: the full tree in cells, every subtree off the path and the leaf itself pruned. */
function cppStyleProof(data: Uint8Array[], index: number): { proof: Uint8Array; root: Uint8Array } {
  const depth = merkleDepth(data.length);
  let level: Cell[] = Array.from({ length: 2 ** depth }, (_, i) =>
    beginCell()
      .storeBuffer(Buffer.from(i < data.length ? sha256(data[i]) : new Uint8Array(32)))
      .endCell(),
  );
  let path: Cell = pruned(level[index]);
  for (let h = 1; h <= depth; h++) {
    const pos = index >> (h - 1);
    const sibling = pruned(level[pos ^ 1]);
    path =
      pos & 1
        ? beginCell().storeRef(sibling).storeRef(path).endCell()
        : beginCell().storeRef(path).storeRef(sibling).endCell();
    level = Array.from({ length: level.length / 2 }, (_, i) =>
      beginCell()
        .storeRef(level[2 * i])
        .storeRef(level[2 * i + 1])
        .endCell(),
    );
  }
  if (depth === 0) path = pruned(level[0]);
  const boc = convertToMerkleProof(path).toBoc({ idx: false, crc32: false });
  return { proof: u8(boc), root: u8(level[0].hash(0)) };
}

function agrees(proof: Uint8Array, root: Uint8Array, index: number, n: number, data: Uint8Array): boolean {
  let ours = true;
  try {
    verifyPieceProof({ proof, rootHash: root, index, piecesCount: n, data });
  } catch (error) {
    expect(error).toBeInstanceOf(StorageError);
    ours = false;
  }
  let theirs = true;
  try {
    referenceVerify(proof, root, index, n, data);
  } catch {
    theirs = false;
  }
  expect(ours, 'checkPieceProof and the @ton/core reading disagree').toBe(theirs);
  return ours;
}

describe('piece proofs from their bytes', () => {
  it('accepts the proofs of our own trees, for every piece of trees of 1..33 pieces', () => {
    for (let n = 1; n <= 33; n++) {
      const data = pieces(n);
      const tree = new MerkleTree(data.map(sha256));
      for (let i = 0; i < n; i++) {
        expect(agrees(tree.proof(i), tree.rootHash, i, n, data[i]), `n=${n} i=${i}`).toBe(true);
        // Another piece's data, or another index, is refused.
        if (n > 1) expect(agrees(tree.proof(i), tree.rootHash, i, n, data[(i + 1) % n])).toBe(false);
        if (n > 2) expect(agrees(tree.proof(i), tree.rootHash, (i + 2) % n, n, data[i])).toBe(false);
      }
    }
  });

  it('accepts C++-style proofs whose leaf is a pruned branch', () => {
    for (const n of [1, 2, 5, 8, 13]) {
      const data = pieces(n);
      for (let i = 0; i < n; i++) {
        const { proof, root } = cppStyleProof(data, i);
        expect(eq(root, new MerkleTree(data.map(sha256)).rootHash)).toBe(true);
        expect(checkPieceProof({ proof, rootHash: root, index: i, piecesCount: n }).kind).toBe('leaf-cell');
        expect(agrees(proof, root, i, n, data[i])).toBe(true);
        if (n > 1) expect(agrees(proof, root, i, n, data[(i + 1) % n])).toBe(false);
      }
    }
  });

  it('reads BoCs with an index table, and without a CRC', () => {
    const data = pieces(6);
    const tree = new MerkleTree(data.map(sha256));
    const cell = Cell.fromBoc(Buffer.from(tree.proof(3)))[0];
    for (const opts of [
      { idx: true, crc32: true },
      { idx: true, crc32: false },
      { idx: false, crc32: false },
    ]) {
      const boc = u8(cell.toBoc(opts));
      expect(agrees(boc, tree.rootHash, 3, 6, data[3]), JSON.stringify(opts)).toBe(true);
    }
    // A wrong offset in the index is refused although no hash covers it.
    const withIdx = u8(cell.toBoc({ idx: true, crc32: false })).slice();
    const idxAt = 6 + 3 * (withIdx[4] & 7) + withIdx[5] + (withIdx[4] & 7);
    withIdx[idxAt + withIdx[5] - 1] ^= 1;
    expect(() =>
      verifyPieceProof({ proof: withIdx, rootHash: tree.rootHash, index: 3, piecesCount: 6, data: data[3] }),
    ).toThrow(StorageError);
  });

  it('refuses every random mutation of a proof (the stricter of the two readings)', () => {
    const n = 11;
    const data = pieces(n);
    const tree = new MerkleTree(data.map(sha256));
    const proofs = [tree.proof(6), cppStyleProof(data, 6).proof];
    fc.assert(
      fc.property(
        fc.constantFrom(...proofs),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
        (proof, edits) => {
          const m = proof.slice();
          for (const [at, x] of edits) m[at % m.length] ^= x;
          let ok = true;
          try {
            verifyPieceProof({ proof: m, rootHash: tree.rootHash, index: 6, piecesCount: n, data: data[6] });
          } catch (error) {
            expect(error).toBeInstanceOf(StorageError);
            ok = false;
          }
          // Edits that cancel out leave the proof as it was; nothing else passes.
          expect(ok).toBe(eq(m, proof));
          // What we accept, @ton/core's reading accepts too (it is laxer: level masks, framing, CRC).
          if (ok) referenceVerify(m, tree.rootHash, 6, n, data[6]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses oversized proofs and proofs of too many cells with a limit error', () => {
    const big = new Uint8Array(20 << 10);
    expect(() =>
      checkPieceProof({ proof: big, rootHash: new Uint8Array(32), index: 0, piecesCount: 1 }),
    ).toThrow(expect.objectContaining({ kind: 'limit' }));
    // A header declaring 200 cells (the check comes before anything is allocated for them).
    const header = Uint8Array.of(0xb5, 0xee, 0x9c, 0x72, 0x01, 0x01, 200, 1, 0, 0, 0);
    expect(() =>
      checkPieceProof({ proof: header, rootHash: new Uint8Array(32), index: 0, piecesCount: 1 }),
    ).toThrow(expect.objectContaining({ kind: 'limit' }));
  });

  it('computes CRC-32C as BoCs carry it', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
});

describe('the piece digest', () => {
  const data = new Uint8Array(3000).map((_, i) => i);

  it('hashes with WebCrypto where present, and with the synchronous hash when it fails or is absent', async () => {
    expect(await pieceDigest()(data)).toEqual(sha256(data));
    const failing = { digest: () => Promise.reject(new Error('no')) };
    expect(await pieceDigest(failing)(data)).toEqual(sha256(data));
    expect(await pieceDigest(null)(data)).toEqual(sha256(data));
  });

  it('verifies a piece with it; a bad proof is refused before the piece is hashed', async () => {
    const data4 = pieces(4);
    const tree = new MerkleTree(data4.map(sha256));
    let hashed = 0;
    const digest = (d: Uint8Array) => {
      hashed++;
      return Promise.resolve(sha256(d));
    };
    const check = { proof: tree.proof(2), rootHash: tree.rootHash, index: 2, piecesCount: 4, data: data4[2] };
    await verifyPieceProofWith(check, digest);
    await expect(verifyPieceProofWith({ ...check, data: data4[1] }, digest)).rejects.toThrow(StorageError);
    expect(hashed).toBe(2);
    // Piece 0's path leads into the pruned pair 0-1 of piece 2's proof.
    await expect(verifyPieceProofWith({ ...check, index: 0 }, digest)).rejects.toThrow(StorageError);
    expect(hashed).toBe(2);
  });
});
