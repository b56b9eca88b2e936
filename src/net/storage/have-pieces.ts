/**
 * Which pieces a peer has (storage.updateInit / storage.updateHavePieces, DIGEST §10.3). The bitmap is the C++
 * td::Bitset layout: piece i is bit (i & 7) of byte (i >> 3). have_pieces_offset counts BYTES of that bitmap
 * (C++ PeerActor multiplies it by 8; tonutils-storage counts pieces, see addBlock), so a long bitmap is sent in
 * blocks of UPDATE_INIT_BLOCK_BYTES.
 */
import { StorageError } from './errors.ts';
import { UPDATE_INIT_BLOCK_BYTES } from './limits.ts';

export class HavePieces {
  readonly piecesCount: number;
  readonly #bits: Uint8Array;
  #count = 0;

  constructor(piecesCount: number, all = false) {
    this.piecesCount = piecesCount;
    this.#bits = new Uint8Array(Math.ceil(piecesCount / 8));
    if (all) for (let i = 0; i < piecesCount; i++) this.add(i);
  }

  get count(): number {
    return this.#count;
  }

  has(index: number): boolean {
    return index >= 0 && index < this.piecesCount && (this.#bits[index >> 3] & (1 << (index & 7))) !== 0;
  }

  add(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.piecesCount || this.has(index)) return;
    this.#bits[index >> 3] |= 1 << (index & 7);
    this.#count++;
  }

  /**
   * Merges an updateInit block; bits beyond the bag are ignored, an offset beyond it is refused. C++ counts the
   * offset in bytes (PeerActor: `have_pieces_offset_ * 8`), tonutils-storage in pieces (storage/server.go
   * updateInitPieces: `sent += len(have) * 8`, blocks of 6000 bytes): an offset past the bitmap's bytes that is a
   * whole number of bytes' worth of pieces inside it is read as pieces. (Both agree on the first block, offset 0;
   * they differ only past 48,000 pieces, and are ambiguous only past 384,000.)
   */
  addBlock(bytes: Uint8Array, offset: number): void {
    let byteOffset = offset;
    if (Number.isInteger(offset) && offset > this.#bits.length && offset % 8 === 0) {
      if (offset / 8 <= this.#bits.length) byteOffset = offset / 8;
    }
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset > this.#bits.length) {
      throw new StorageError('protocol', `have_pieces_offset ${offset} is outside the bag`);
    }
    const n = Math.min(bytes.length, this.#bits.length - byteOffset);
    for (let i = 0; i < n; i++) {
      const b = bytes[i];
      if (b === 0) continue;
      for (let bit = 0; bit < 8; bit++) if (b & (1 << bit)) this.add((byteOffset + i) * 8 + bit);
    }
  }

  /** updateInit blocks ({bytes, byteOffset}) covering the whole bitmap (at least one, possibly empty). */
  blocks(): { bytes: Uint8Array; byteOffset: number }[] {
    const out: { bytes: Uint8Array; byteOffset: number }[] = [];
    for (let at = 0; at < this.#bits.length; at += UPDATE_INIT_BLOCK_BYTES) {
      out.push({ bytes: this.#bits.slice(at, at + UPDATE_INIT_BLOCK_BYTES), byteOffset: at });
    }
    if (out.length === 0) out.push({ bytes: new Uint8Array(0), byteOffset: 0 });
    return out;
  }
}
