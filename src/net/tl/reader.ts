/**
 * Bounded TL decoder (DIGEST §0). Every length and count read from the input is checked against what remains
 * before anything is allocated; any malformed input raises TlError. Several objects may be read in a row from one
 * TlReader (e.g. a liteServer.waitMasterchainSeqno prefix followed by the query).
 */
import { TL_BOOL_FALSE, TL_BOOL_TRUE } from './schema.generated.ts';
import { TlError } from './errors.ts';
import type { TlObject } from './types.ts';
import {
  K_ANY,
  K_BARE,
  K_BOOL,
  K_BOXED,
  K_BYTES,
  K_DOUBLE,
  K_FLAGS,
  K_INT,
  K_INT128,
  K_INT256,
  K_LONG,
  K_STRING,
  K_TRUE,
  K_VECTOR,
  acceptsCtor,
  ctorByName,
  ctorsById,
  planForName,
  type CtorPlan,
  type TypePlan,
} from './plan.ts';

/** Objects nested deeper than this are rejected (bounds recursion on hostile input). */
export const TL_MAX_DEPTH = 64;

const utf8 = new TextDecoder('utf-8');
const hex8 = (id: number): string => `0x${id.toString(16).padStart(8, '0')}`;

export class TlReader {
  private readonly buf: Uint8Array;
  private readonly view: DataView;
  private pos: number;
  private readonly end: number;
  private depth = 0;

  constructor(bytes: Uint8Array) {
    this.buf = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.end = bytes.length;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes not consumed yet. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws TlError unless the whole input has been consumed. */
  assertEnd(): void {
    if (this.pos !== this.end)
      throw new TlError(`${this.end - this.pos} trailing byte(s) after the object`, this.pos);
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      throw new TlError(`${what} needs ${n} byte(s), only ${this.end - this.pos} remain`, this.pos);
    }
  }

  int(): number {
    this.need(4, 'int');
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** `#` (flags) and constructor ids: unsigned 32-bit. */
  uint(): number {
    this.need(4, 'uint32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Reads the next constructor id without consuming it. */
  peekId(): number {
    this.need(4, 'constructor id');
    return this.view.getUint32(this.pos, true);
  }

  long(): bigint {
    this.need(8, 'long');
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  double(): number {
    this.need(8, 'double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** `n` raw bytes (copied). */
  raw(n: number): Uint8Array<ArrayBuffer> {
    if (!Number.isInteger(n) || n < 0) throw new TlError(`bad raw length ${n}`, this.pos);
    this.need(n, `${n} raw bytes`);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  int128(): Uint8Array<ArrayBuffer> {
    this.need(16, 'int128');
    return this.raw(16);
  }

  int256(): Uint8Array<ArrayBuffer> {
    this.need(32, 'int256');
    return this.raw(32);
  }

  /** TL bytes: 1-byte length (<= 253) or 0xfe + 3-byte LE length, then data, zero-padded to 4 (DIGEST §0). */
  bytes(): Uint8Array<ArrayBuffer> {
    const start = this.lengthPrefixed();
    return this.buf.slice(start, start + this.dataLength);
  }

  /** TL string: bytes decoded as UTF-8 (invalid sequences become U+FFFD, as peers are not all strict). */
  string(): string {
    const start = this.lengthPrefixed();
    return utf8.decode(this.buf.subarray(start, start + this.dataLength));
  }

  private dataLength = 0;

  /** Consumes a length-prefixed, padded field; returns where its data starts and sets dataLength. */
  private lengthPrefixed(): number {
    this.need(1, 'bytes length');
    const buf = this.buf;
    const start = this.pos;
    let len = buf[start];
    let header = 1;
    if (len === 254) {
      this.need(4, 'long bytes length');
      len = buf[start + 1] | (buf[start + 2] << 8) | (buf[start + 3] << 16);
      header = 4;
    } else if (len === 255) {
      throw new TlError('bytes length prefix 0xff is invalid', start);
    }
    const total = (header + len + 3) & ~3;
    if (this.end - start < total) {
      throw new TlError(
        `bytes of length ${len} need ${total} byte(s), only ${this.end - start} remain`,
        start,
      );
    }
    this.pos = start + total;
    this.dataLength = len;
    return start + header;
  }

  bool(): boolean {
    const id = this.uint();
    if (id === TL_BOOL_TRUE) return true;
    if (id === TL_BOOL_FALSE) return false;
    throw new TlError(`expected Bool, got constructor id ${hex8(id)}`, this.pos - 4);
  }

  /**
   * A boxed object: constructor id + fields. `typeOrCtor` is a constructor/function name (that id only), a boxed
   * type name such as 'adnl.Message' (any of its constructors), or 'Object' (any constructor at all).
   */
  object<T = TlObject>(typeOrCtor: string): T {
    const { ctor, boxed } = planForName(typeOrCtor);
    const at = this.pos;
    const id = this.uint();
    if (ctor) {
      if (id !== ctor.id)
        throw new TlError(`expected ${ctor.name} (${hex8(ctor.id)}), got id ${hex8(id)}`, at);
      return this.fields(ctor) as T;
    }
    return this.boxedBody(boxed as TypePlan, id, at) as T;
  }

  /** A bare object: the fields of constructor `ctor`, no id. */
  bareObject<T = TlObject>(ctor: string): T {
    return this.fields(ctorByName(ctor)) as T;
  }

  private boxedBody(t: TypePlan, id: number, at: number): TlObject {
    const ctor = ctorsById.get(id);
    if (!ctor) throw new TlError(`unknown constructor id ${hex8(id)} where ${t.type} was expected`, at);
    if (!acceptsCtor(t, ctor)) throw new TlError(`constructor ${ctor.name} is not a ${t.type}`, at);
    return this.fields(ctor);
  }

  private fields(ctor: CtorPlan): TlObject {
    const obj: TlObject = { _: ctor.name };
    const fields = ctor.fields;
    let i = 0;
    try {
      if (++this.depth > TL_MAX_DEPTH)
        throw new TlError(`objects nested deeper than ${TL_MAX_DEPTH}`, this.pos);
      for (; i < fields.length; i++) {
        const f = fields[i];
        if (f.mask !== 0) {
          const set = ((obj[f.flag] as number) & f.mask) !== 0;
          if (f.t.kind === K_TRUE) {
            obj[f.name] = set;
            continue;
          }
          if (!set) continue;
        }
        obj[f.name] = this.value(f.t);
      }
    } catch (e) {
      if (e instanceof TlError) throw i < fields.length ? e.within(`${ctor.name}.${fields[i].name}`) : e;
      throw e;
    } finally {
      this.depth--;
    }
    return obj;
  }

  private value(t: TypePlan): unknown {
    switch (t.kind) {
      case K_INT:
        return this.int();
      case K_FLAGS:
        return this.uint();
      case K_LONG:
        return this.long();
      case K_INT128:
        return this.int128();
      case K_INT256:
        return this.int256();
      case K_DOUBLE:
        return this.double();
      case K_BYTES:
        return this.bytes();
      case K_STRING:
        return this.string();
      case K_BOOL:
        return this.bool();
      case K_VECTOR:
        return this.vector(t.elem as TypePlan);
      case K_BARE:
        return this.fields(t.ctor as CtorPlan);
      case K_BOXED:
      case K_ANY: {
        const at = this.pos;
        return this.boxedBody(t, this.uint(), at);
      }
    }
    throw new TlError(`type ${t.type} cannot be decoded here`, this.pos);
  }

  private vector(elem: TypePlan): unknown[] {
    const at = this.pos;
    const count = this.uint();
    // Each element takes at least elem.minSize bytes: refuse counts the rest of the input cannot hold.
    const max = Math.floor((this.end - this.pos) / Math.max(elem.minSize, 1));
    if (count > max) {
      throw new TlError(
        `vector count ${count} exceeds the ${max} element(s) the remaining input can hold`,
        at,
      );
    }
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) out.push(this.value(elem));
    return out;
  }
}
