/** Whole-buffer TL encode/decode (boxed = 4-byte LE constructor id + fields, bare = fields only; DIGEST §0). */
import { TlError } from './errors.ts';
import { TlReader } from './reader.ts';
import { TlWriter } from './writer.ts';
import { ctorsById, ctorsByName } from './plan.ts';
import type { TlObject } from './types.ts';
import type { TlConstructors, TlTypes } from './schema.generated.ts';

export type TlName = keyof TlConstructors;
export type TlTypeName = keyof TlTypes;
export type TlCtor<N extends TlName> = TlConstructors[N];
export type TlType<T extends TlTypeName> = TlTypes[T];

// One scratch writer: encoding is synchronous and never re-entered, so it can be reused across calls.
const scratch = new TlWriter(1024);

/** Anything other than TlError escaping the codec would be a bug; still, callers are promised TlError only. */
function asTlError(e: unknown): TlError {
  if (e instanceof TlError) return e;
  return new TlError(`internal codec failure: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
}

/** Boxed serialization: constructor id of `obj._` (a constructor or function name), then the fields. */
export function tlEncode(obj: TlObject): Uint8Array<ArrayBuffer> {
  scratch.reset();
  try {
    scratch.object(obj);
  } catch (e) {
    throw asTlError(e);
  }
  return scratch.finish();
}

/** Bare serialization: the fields of `obj._` only. */
export function tlEncodeBare(obj: TlObject): Uint8Array<ArrayBuffer> {
  scratch.reset();
  try {
    scratch.bareObject(obj);
  } catch (e) {
    throw asTlError(e);
  }
  return scratch.finish();
}

/**
 * Decodes one boxed object that must fill `bytes` exactly. `typeOrCtor`: a constructor or function name (only
 * that id is accepted), a boxed type such as 'adnl.Message' (any of its constructors), or 'Object' (anything).
 */
export function tlDecode<N extends TlName>(typeOrCtor: N, bytes: Uint8Array): TlCtor<N>;
export function tlDecode<T extends TlTypeName>(typeOrCtor: T, bytes: Uint8Array): TlType<T>;
export function tlDecode<T = TlObject>(typeOrCtor: string, bytes: Uint8Array): T;
export function tlDecode(typeOrCtor: string, bytes: Uint8Array): unknown {
  try {
    const r = new TlReader(bytes);
    const obj = r.object(typeOrCtor);
    r.assertEnd();
    return obj;
  } catch (e) {
    throw asTlError(e);
  }
}

/** Decodes the fields of constructor `ctor` (no id) that must fill `bytes` exactly. */
export function tlDecodeBare<N extends TlName>(ctor: N, bytes: Uint8Array): TlCtor<N>;
export function tlDecodeBare<T = TlObject>(ctor: string, bytes: Uint8Array): T;
export function tlDecodeBare(ctor: string, bytes: Uint8Array): unknown {
  try {
    const r = new TlReader(bytes);
    const obj = r.bareObject(ctor);
    r.assertEnd();
    return obj;
  } catch (e) {
    throw asTlError(e);
  }
}

/** The uint32 constructor id of a constructor or function (from the schema text, see TL-IDS.md). */
export function tlId(name: string): number {
  const ctor = ctorsByName.get(name);
  if (!ctor) throw new TlError(`unknown TL constructor ${JSON.stringify(name)}`);
  return ctor.id;
}

/** The constructor or function name of an id, or undefined if the schema has none. */
export function tlNameOf(id: number): string | undefined {
  return ctorsById.get(id >>> 0)?.name;
}
