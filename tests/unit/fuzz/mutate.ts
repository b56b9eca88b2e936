/**
 * Shared arbitraries of the decoder fuzz tests: byte and text mutations of a valid input (single-byte edits,
 * truncations, appended garbage), JSON subtree replacement, and a guard that lets only one error class through.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

/** A file of /work/shared/spec/vectors (the project's sibling `shared` directory). */
export function loadVector<T = unknown>(name: string): T {
  return JSON.parse(
    readFileSync(new URL(`../../../../shared/spec/vectors/${name}`, import.meta.url), 'utf8'),
  ) as T;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs `f`; returns its result, or undefined when it threw an instance of `cls`. Anything else thrown (TypeError,
 * RangeError, a plain Error, another module's error) is rethrown and fails the property.
 */
export function onlyTyped<T>(cls: ErrorClass, f: () => T): T | undefined {
  try {
    return f();
  } catch (error) {
    if (error instanceof cls) return undefined;
    throw error;
  }
}

/** Exactly one byte of `base` changed to a different value. */
export function oneByteChanged(base: Uint8Array, from = 0): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.integer({ min: from, max: base.length - 1 }), fc.integer({ min: 1, max: 255 }))
    .map(([i, delta]) => {
      const out = base.slice();
      out[i] = (out[i] + delta) & 255;
      return out;
    });
}

/** `base` cut short at any length below its own. */
export function truncated(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.integer({ min: 0, max: base.length - 1 }).map((n) => base.slice(0, n));
}

/** Up to 8 byte edits, then a cut anywhere and up to 8 bytes of garbage appended (the dht/fuzz.test.ts recipe). */
export function mutated(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      edits: fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      }),
      cut: fc.integer({ min: 0, max: base.length }),
      extra: fc.uint8Array({ maxLength: 8 }),
    })
    .map(({ edits, cut, extra }) => {
      const out = base.slice();
      for (const [i, b] of edits) out[i] = b;
      return Uint8Array.from([...out.subarray(0, cut), ...extra]);
    });
}

/** Any of the byte mutations of `base`. */
export function anyMutation(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(oneByteChanged(base), truncated(base), mutated(base));
}

/** Text mutations: one character replaced, one inserted, one removed, or a cut. */
export function textMutation(base: string, alphabet: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const at = fc.integer({ min: 0, max: Math.max(0, base.length - 1) });
  return fc.oneof(
    fc.tuple(at, alphabet).map(([i, c]) => base.slice(0, i) + c + base.slice(i + 1)),
    fc.tuple(at, alphabet).map(([i, c]) => base.slice(0, i) + c + base.slice(i)),
    at.map((i) => base.slice(0, i) + base.slice(i + 1)),
    at.map((i) => base.slice(0, i)),
  );
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Paths (lists of keys and indices) of every value inside `json`, the root included. */
function jsonPaths(json: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(json)) json.forEach((v, i) => out.push(...jsonPaths(v, [...prefix, i])));
  else if (json !== null && typeof json === 'object')
    for (const [k, v] of Object.entries(json)) out.push(...jsonPaths(v, [...prefix, k]));
  return out;
}

/**
 * `base` (JSON-compatible) with one value anywhere inside it replaced: by `replacement` when given, else by random
 * JSON or deleted.
 */
export function jsonMutation(base: unknown, replacement?: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const paths = jsonPaths(base as Json);
  const value = replacement ?? fc.option(fc.jsonValue({ maxDepth: 2 }), { freq: 6, nil: undefined });
  return fc.tuple(fc.constantFrom(...paths), value).map(([path, v]) => {
    const copy = structuredClone(base) as Json;
    if (path.length === 0) return v;
    let parent = copy as Record<string | number, Json>;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
    const last = path[path.length - 1];
    if (v === undefined && !Array.isArray(parent)) delete parent[last];
    else parent[last] = (v ?? null) as Json;
    return copy;
  });
}

const PROTOTYPE_KEYS = fc.constantFrom('toString', 'valueOf', '__proto__', 'constructor', 'hasOwnProperty');

/** A JSON object (as JSON.parse makes it) with at least one key named like an Object.prototype method. */
export function hostileObject(): fc.Arbitrary<unknown> {
  return fc
    .array(fc.tuple(PROTOTYPE_KEYS, fc.jsonValue({ maxDepth: 1 })), { minLength: 1, maxLength: 3 })
    .map((entries) =>
      JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`),
    );
}

/**
 * JSON (as JSON.parse can produce it) whose object keys are drawn mostly from `keys` plus the names of
 * Object.prototype's methods: `{"toString": 1}` is valid JSON and breaks `String(value)` and template literals.
 */
export function hostileJson(keys: readonly string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...keys) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('toString', 'valueOf', '__proto__', 'constructor', 'hasOwnProperty'),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  );
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(
        fc.constant(null),
        fc.boolean(),
        fc.integer(),
        fc.double({ noNaN: true }),
        fc.string({ maxLength: 8 }),
      ),
      fc.array(tie('value'), { maxLength: 3 }),
      fc
        .array(fc.tuple(key, tie('value')), { maxLength: 4 })
        .map((entries) => JSON.parse(JSON.stringify(Object.fromEntries(entries)))),
    ),
  }));
  return value;
}
