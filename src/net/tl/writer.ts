/**
 * TL encoder (DIGEST §0) into a growable buffer. Values are checked against their schema types; anything that
 * does not fit (wrong JS type, out-of-range number, wrong-length int256, a conditional field present while its
 * flag bit is clear or missing while it is set) raises TlError.
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
  type CtorPlan,
  type TypePlan,
} from './plan.ts';
import { TL_MAX_DEPTH } from './reader.ts';

const utf8 = new TextEncoder();
const MAX_BYTES = 0xffffff; // 3-byte length (DIGEST §0)
const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 64n) - 1n;

const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : v instanceof Uint8Array
      ? `Uint8Array(${v.length})`
      : Array.isArray(v)
        ? 'array'
        : typeof v;

export class TlWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;
  private depth = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Forgets what was written (keeps the buffer). */
  reset(): void {
    this.pos = 0;
    this.depth = 0;
  }

  /** A copy of what was written. */
  finish(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.pos);
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** int: signed 32-bit (unsigned values up to 2^32-1 are accepted and written as their two's complement). */
  int(v: number): this {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) {
      throw new TlError(`expected a 32-bit integer, got ${typeof v === 'number' ? v : describe(v)}`);
    }
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
    return this;
  }

  /** `#` and constructor ids: unsigned 32-bit. */
  uint(v: number): this {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new TlError(
        `expected an unsigned 32-bit integer, got ${typeof v === 'number' ? v : describe(v)}`,
      );
    }
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  /** long: 64-bit; decoding yields the signed value (unsigned values up to 2^64-1 are accepted). */
  long(v: bigint): this {
    if (typeof v !== 'bigint' || v < LONG_MIN || v > LONG_MAX) {
      throw new TlError(`expected a 64-bit bigint, got ${typeof v === 'bigint' ? v : describe(v)}`);
    }
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, v), true);
    this.pos += 8;
    return this;
  }

  double(v: number): this {
    if (typeof v !== 'number') throw new TlError(`expected a number, got ${describe(v)}`);
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  /** Appends bytes as they are (no length, no padding). */
  raw(b: Uint8Array): this {
    if (!(b instanceof Uint8Array)) throw new TlError(`expected a Uint8Array, got ${describe(b)}`);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  private fixed(b: Uint8Array, n: number, what: string): this {
    if (!(b instanceof Uint8Array) || b.length !== n) {
      throw new TlError(`expected ${what} (Uint8Array of ${n} bytes), got ${describe(b)}`);
    }
    return this.raw(b);
  }

  int128(b: Uint8Array): this {
    return this.fixed(b, 16, 'int128');
  }

  int256(b: Uint8Array): this {
    return this.fixed(b, 32, 'int256');
  }

  /** TL bytes: length prefix, data, zero padding to a multiple of 4 (DIGEST §0). */
  bytes(b: Uint8Array): this {
    if (!(b instanceof Uint8Array)) throw new TlError(`expected bytes (Uint8Array), got ${describe(b)}`);
    const len = b.length;
    if (len > MAX_BYTES) throw new TlError(`bytes of length ${len} exceed the TL limit ${MAX_BYTES}`);
    const header = len <= 253 ? 1 : 4;
    const total = (header + len + 3) & ~3;
    this.ensure(total);
    const buf = this.buf;
    let p = this.pos;
    if (header === 1) {
      buf[p++] = len;
    } else {
      buf[p++] = 254;
      buf[p++] = len & 0xff;
      buf[p++] = (len >>> 8) & 0xff;
      buf[p++] = len >>> 16;
    }
    buf.set(b, p);
    p += len;
    const end = this.pos + total;
    while (p < end) buf[p++] = 0;
    this.pos = end;
    return this;
  }

  string(s: string): this {
    if (typeof s !== 'string') throw new TlError(`expected a string, got ${describe(s)}`);
    const n = s.length;
    if (n > MAX_BYTES) throw new TlError(`string of length ${n} exceeds the TL limit ${MAX_BYTES}`);
    // Fast path: ASCII is one byte per UTF-16 unit, so the length is known and the text can be written in place.
    const header = n <= 253 ? 1 : 4;
    const total = (header + n + 3) & ~3;
    this.ensure(total);
    const buf = this.buf;
    const start = this.pos + header;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return this.bytes(utf8.encode(s));
      buf[start + i] = c;
    }
    if (header === 1) {
      buf[this.pos] = n;
    } else {
      buf[this.pos] = 254;
      buf[this.pos + 1] = n & 0xff;
      buf[this.pos + 2] = (n >>> 8) & 0xff;
      buf[this.pos + 3] = n >>> 16;
    }
    const end = this.pos + total;
    for (let p = start + n; p < end; p++) buf[p] = 0;
    this.pos = end;
    return this;
  }

  bool(v: boolean): this {
    if (typeof v !== 'boolean') throw new TlError(`expected a boolean, got ${describe(v)}`);
    return this.uint(v ? TL_BOOL_TRUE : TL_BOOL_FALSE);
  }

  /** A boxed object: the id of `obj._`, then its fields. */
  object(obj: TlObject): this {
    const ctor = ctorByName(this.nameOf(obj));
    this.uint(ctor.id);
    return this.fields(ctor, obj);
  }

  /** A bare object: the fields only. `ctor` defaults to `obj._`. */
  bareObject(obj: TlObject, ctor?: string): this {
    if (ctor !== undefined && obj?._ !== undefined && obj._ !== ctor) {
      throw new TlError(`expected a ${ctor}, got ${String(obj._)}`);
    }
    return this.fields(ctorByName(ctor ?? this.nameOf(obj)), obj);
  }

  private nameOf(obj: TlObject): string {
    if (typeof obj !== 'object' || obj === null || typeof obj._ !== 'string') {
      throw new TlError(`expected a TL object with a string '_', got ${describe(obj)}`);
    }
    return obj._;
  }

  private fields(ctor: CtorPlan, obj: TlObject): this {
    if (typeof obj !== 'object' || obj === null)
      throw new TlError(`expected a ${ctor.name} object, got ${describe(obj)}`);
    const fields = ctor.fields;
    let i = 0;
    try {
      if (++this.depth > TL_MAX_DEPTH) throw new TlError(`objects nested deeper than ${TL_MAX_DEPTH}`);
      for (; i < fields.length; i++) {
        const f = fields[i];
        const v = obj[f.name];
        if (f.mask !== 0) {
          const set = ((obj[f.flag] as number) & f.mask) !== 0;
          if (f.t.kind === K_TRUE) {
            if (v !== undefined && typeof v !== 'boolean')
              throw new TlError(`expected a boolean, got ${describe(v)}`);
            if (set !== (v === true))
              throw new TlError(`is ${v === true} but bit of ${f.flag} is ${set ? 'set' : 'clear'}`);
            continue;
          }
          if (!set) {
            if (v !== undefined) throw new TlError(`present but its bit of ${f.flag} is clear`);
            continue;
          }
          if (v === undefined) throw new TlError(`missing but its bit of ${f.flag} is set`);
        }
        this.value(f.t, v);
      }
    } catch (e) {
      if (e instanceof TlError) throw i < fields.length ? e.within(`${ctor.name}.${fields[i].name}`) : e;
      throw e;
    } finally {
      this.depth--;
    }
    return this;
  }

  private value(t: TypePlan, v: unknown): void {
    switch (t.kind) {
      case K_INT:
        this.int(v as number);
        return;
      case K_FLAGS:
        this.uint(v as number);
        return;
      case K_LONG:
        this.long(v as bigint);
        return;
      case K_INT128:
        this.int128(v as Uint8Array);
        return;
      case K_INT256:
        this.int256(v as Uint8Array);
        return;
      case K_DOUBLE:
        this.double(v as number);
        return;
      case K_BYTES:
        this.bytes(v as Uint8Array);
        return;
      case K_STRING:
        this.string(v as string);
        return;
      case K_BOOL:
        this.bool(v as boolean);
        return;
      case K_VECTOR: {
        if (!Array.isArray(v)) throw new TlError(`expected an array, got ${describe(v)}`);
        this.uint(v.length);
        const elem = t.elem as TypePlan;
        for (let i = 0; i < v.length; i++) this.value(elem, v[i]);
        return;
      }
      case K_BARE: {
        const ctor = t.ctor as CtorPlan;
        const o = v as TlObject;
        if (typeof o === 'object' && o !== null && o._ !== undefined && o._ !== ctor.name) {
          throw new TlError(`expected a bare ${ctor.name}, got ${String(o._)}`);
        }
        this.fields(ctor, o);
        return;
      }
      case K_BOXED:
      case K_ANY: {
        const ctor = ctorByName(this.nameOf(v as TlObject));
        if (!acceptsCtor(t, ctor)) throw new TlError(`${ctor.name} is not a ${t.type}`);
        this.uint(ctor.id);
        this.fields(ctor, v as TlObject);
        return;
      }
    }
    throw new TlError(`type ${t.type} cannot be encoded here`);
  }
}
