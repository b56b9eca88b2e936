/**
 * fast-check arbitraries of TL values, driven by the generated schema table: any constructor or function of
 * ton_api/lite_api gets random field values of the right JS type, flags with random bits and conditional fields
 * present exactly when their bit is set (`flags.N?true` fields follow their bit).
 */
import fc from 'fast-check';
import { TL_SCHEMA, type TlSchemaEntry } from '../../../src/net/tl/schema.generated.ts';
import type { TlObject } from '../../../src/net/tl/index.ts';

const entries = new Map<string, TlSchemaEntry>(TL_SCHEMA.map((e) => [e[0], e]));
const members = new Map<string, string[]>();
for (const [name, , isFunction, result] of TL_SCHEMA) {
  if (isFunction) continue;
  members.set(result, [...(members.get(result) ?? []), name]);
}

/** Beyond this nesting, vectors are empty, flags are 0 and boxed types pick their flattest constructor. */
const MAX_DEPTH = 3;
/** What `Object`/`Function` fields (only testObject has them) hold: a few plain constructors. */
const ANY_SAMPLE = ['tcp.ping', 'pub.ed25519', 'adnl.message.nop', 'http.header'];

const bytesArb = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 260 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 250, maxLength: 1100 }) },
);

function primitive(type: string, depth: number): fc.Arbitrary<unknown> | null {
  switch (type) {
    case 'int':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case '#':
      return depth >= MAX_DEPTH ? fc.constant(0) : fc.integer({ min: 0, max: 0xffffffff });
    case 'long':
      return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
    case 'int128':
      return fc.uint8Array({ minLength: 16, maxLength: 16 });
    case 'int256':
      return fc.uint8Array({ minLength: 32, maxLength: 32 });
    case 'double':
      return fc.double();
    case 'bytes':
      return bytesArb;
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 40 });
    case 'Bool':
      return fc.boolean();
  }
  return null;
}

/** Number of object-typed unconditional fields: the flattest member of a boxed type has the fewest. */
function objectFields(name: string): number {
  const e = entries.get(name) as TlSchemaEntry;
  return e[4].filter((f) => f.length === 2 && !primitive(f[1], 0) && !f[1].startsWith('vector ')).length;
}

const cache = new Map<string, fc.Arbitrary<unknown>>();

export function arbType(type: string, depth: number): fc.Arbitrary<unknown> {
  const key = `${type}@${Math.min(depth, MAX_DEPTH + 1)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (depth > 12) throw new Error(`schema recursion too deep at ${type}`);
  let arb = primitive(type, depth);
  if (!arb) {
    if (type.startsWith('vector ')) {
      arb = fc.array(arbType(type.slice(7), depth + 1), { maxLength: depth >= MAX_DEPTH ? 0 : 3 });
    } else if (/^(Object|object|Function|function)$/.test(type)) {
      arb = fc.oneof(...ANY_SAMPLE.map((n) => arbCtor(n, depth + 1)));
    } else if (members.has(type)) {
      let names = members.get(type) as string[];
      if (depth >= MAX_DEPTH) {
        const flattest = Math.min(...names.map(objectFields));
        names = names.filter((n) => objectFields(n) === flattest);
      }
      arb = fc.oneof(...names.map((n) => arbCtor(n, depth + 1)));
    } else {
      arb = arbCtor(type, depth + 1); // bare constructor
    }
  }
  cache.set(key, arb);
  return arb;
}

/** Random valid values of constructor/function `name`, with `_` set. */
export function arbCtor(name: string, depth = 0): fc.Arbitrary<TlObject> {
  const key = `ctor:${name}@${Math.min(depth, MAX_DEPTH + 1)}`;
  const hit = cache.get(key);
  if (hit) return hit as fc.Arbitrary<TlObject>;
  const entry = entries.get(name);
  if (!entry) throw new Error(`no constructor ${name}`);
  const fields = entry[4];
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) shape[f[0]] = f[1] === 'true' ? fc.constant(true) : arbType(f[1], depth);
  const arb = fc.record(shape).map((values) => {
    const obj: TlObject = { _: name };
    for (const f of fields) {
      if (f.length === 4) {
        const set = ((values[f[2]] as number) & (1 << f[3])) !== 0;
        if (f[1] === 'true') obj[f[0]] = set;
        else if (set) obj[f[0]] = values[f[0]];
      } else {
        obj[f[0]] = values[f[0]];
      }
    }
    return obj;
  });
  cache.set(key, arb);
  return arb;
}

export const allNames: string[] = TL_SCHEMA.map((e) => e[0]);
