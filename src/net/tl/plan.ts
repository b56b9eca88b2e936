/**
 * Compiles the generated schema table once, at module load, into per-constructor field plans: numeric kinds,
 * resolved references and minimum wire sizes, so encoding and decoding never parse type strings per call.
 */
import { TL_SCHEMA } from './schema.generated.ts';
import { TlError } from './errors.ts';

// Value kinds (DIGEST §0).
export const K_INT = 0; // int: 4 bytes LE, signed
export const K_FLAGS = 1; // #: 4 bytes LE, unsigned
export const K_LONG = 2; // long: 8 bytes LE -> bigint
export const K_INT128 = 3; // 16 raw bytes
export const K_INT256 = 4; // 32 raw bytes
export const K_DOUBLE = 5; // IEEE 754 LE
export const K_BYTES = 6; // length-prefixed, padded to 4
export const K_STRING = 7; // same as bytes, UTF-8
export const K_BOOL = 8; // boxed boolTrue / boolFalse
export const K_TRUE = 9; // flags.N?true: no bytes, the bit is the value
export const K_VECTOR = 10; // int count + elements
export const K_BARE = 11; // lowercase type: the named constructor's fields, no id
export const K_BOXED = 12; // capitalised type: id + fields of one of the type's constructors
export const K_ANY = 13; // Object / Function: id + fields of any constructor

export interface TypePlan {
  kind: number;
  /** Element plan of a vector. */
  elem: TypePlan | null;
  /** Constructor of a bare field. */
  ctor: CtorPlan | null;
  /** Boxed type name (K_BOXED), for the membership check and error messages. */
  type: string;
  /** Fewest bytes a value of this type takes on the wire (bounds vector counts before allocating). */
  minSize: number;
}

export interface FieldPlan {
  name: string;
  t: TypePlan;
  /** Name of the `#` field this field depends on, or '' if unconditional. */
  flag: string;
  /** `1 << bit` for conditional fields, 0 otherwise. */
  mask: number;
}

export interface CtorPlan {
  name: string;
  id: number;
  isFunction: boolean;
  result: string;
  fields: FieldPlan[];
  /** Fewest bytes of the bare (field-only) serialization. */
  minSize: number;
}

export const ctorsByName = new Map<string, CtorPlan>();
export const ctorsById = new Map<number, CtorPlan>();
/** Boxed type name -> its constructors (functions are not members of their result type). */
export const typeMembers = new Map<string, CtorPlan[]>();

const PRIMITIVE_KINDS: Record<string, [number, number]> = {
  int: [K_INT, 4],
  '#': [K_FLAGS, 4],
  long: [K_LONG, 8],
  int128: [K_INT128, 16],
  int256: [K_INT256, 32],
  double: [K_DOUBLE, 8],
  bytes: [K_BYTES, 4],
  string: [K_STRING, 4],
  Bool: [K_BOOL, 4],
  true: [K_TRUE, 0],
  Object: [K_ANY, 4],
  object: [K_ANY, 4],
  Function: [K_ANY, 4],
  function: [K_ANY, 4],
};

const typePlanCache = new Map<string, TypePlan>();

function typePlan(type: string): TypePlan {
  const cached = typePlanCache.get(type);
  if (cached) return cached;
  let plan: TypePlan;
  const prim = PRIMITIVE_KINDS[type];
  if (prim) {
    plan = { kind: prim[0], elem: null, ctor: null, type, minSize: prim[1] };
  } else if (type.startsWith('vector ')) {
    plan = { kind: K_VECTOR, elem: typePlan(type.slice(7)), ctor: null, type, minSize: 4 };
  } else if (/^[A-Z]/.test(type.slice(type.lastIndexOf('.') + 1))) {
    plan = { kind: K_BOXED, elem: null, ctor: null, type, minSize: 4 };
  } else {
    const ctor = ctorsByName.get(type);
    if (!ctor) throw new TlError(`schema: unknown bare type ${type}`);
    plan = { kind: K_BARE, elem: null, ctor, type, minSize: -1 }; // minSize filled in below
  }
  typePlanCache.set(type, plan);
  return plan;
}

function ctorMinSize(ctor: CtorPlan): number {
  if (ctor.minSize >= 0) return ctor.minSize;
  let size = 0;
  for (const f of ctor.fields) {
    if (f.mask !== 0) continue; // conditional: may be absent
    size += f.t.kind === K_BARE ? ctorMinSize(f.t.ctor as CtorPlan) : f.t.minSize;
  }
  ctor.minSize = size;
  return size;
}

for (const [name, id, isFunction, result] of TL_SCHEMA) {
  const ctor: CtorPlan = { name, id, isFunction: isFunction === 1, result, fields: [], minSize: -1 };
  ctorsByName.set(name, ctor);
  ctorsById.set(id, ctor);
  if (!ctor.isFunction) {
    const members = typeMembers.get(result);
    if (members) members.push(ctor);
    else typeMembers.set(result, [ctor]);
  }
}
for (const [name, , , , fields] of TL_SCHEMA) {
  const ctor = ctorsByName.get(name) as CtorPlan;
  for (const f of fields) {
    ctor.fields.push({
      name: f[0],
      t: typePlan(f[1]),
      flag: f.length === 4 ? f[2] : '',
      mask: f.length === 4 ? 1 << f[3] : 0,
    });
  }
}
for (const ctor of ctorsByName.values()) ctorMinSize(ctor);
for (const plan of typePlanCache.values())
  if (plan.kind === K_BARE) plan.minSize = (plan.ctor as CtorPlan).minSize;

/** Whether `ctor` may appear where the boxed type plan `t` is expected. */
export function acceptsCtor(t: TypePlan, ctor: CtorPlan): boolean {
  return t.kind === K_ANY || (!ctor.isFunction && ctor.result === t.type);
}

/** The plan for a top-level name: a constructor/function (exact id), a boxed type (any member), or Object. */
export function planForName(name: string): { ctor: CtorPlan | null; boxed: TypePlan | null } {
  const ctor = ctorsByName.get(name);
  if (ctor) return { ctor, boxed: null };
  if (typeMembers.has(name) || PRIMITIVE_KINDS[name]?.[0] === K_ANY)
    return { ctor: null, boxed: typePlan(name) };
  throw new TlError(`unknown TL name ${JSON.stringify(name)}`);
}

export function ctorByName(name: string): CtorPlan {
  const ctor = ctorsByName.get(name);
  if (!ctor) throw new TlError(`unknown TL constructor ${JSON.stringify(name)}`);
  return ctor;
}
