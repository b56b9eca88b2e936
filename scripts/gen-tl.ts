/**
 * `npm run gen:tl`: parses ../shared/spec/tl/{ton_api,lite_api}.tl and writes src/net/tl/schema.generated.ts
 * (the constructor table the runtime codec compiles once, plus the TypeScript types of every constructor).
 *
 * Ids follow ../shared/spec/tl/TL-IDS.md: CRC32 (zlib) of the declaration with comments dropped, whitespace
 * collapsed, parentheses deleted and no trailing `;`. A declaration written `name#hex ...` pins its id to `hex`
 * (TON uses this to keep the wire id of a constructor that later grew a field, e.g. liteServer.transactionId).
 *
 * tests/unit/tl/schema.test.ts calls generateTlSchema() in memory and fails if the committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

export interface ParsedField {
  name: string;
  /** Type with parentheses removed, e.g. `int256`, `vector adnl.Message`, `PublicKey`, `true`. */
  type: string;
  /** Present for `name:flags.N?T` fields. */
  flag?: { field: string; bit: number };
}

export interface ParsedDecl {
  schema: string;
  name: string;
  /** Wire id (uint32): explicit `#hex` when given, else CRC32 of `normalized`. */
  id: number;
  /** CRC32 of `normalized` (equals `id` unless the declaration pins an explicit id). */
  crc: number;
  section: 'types' | 'functions';
  fields: ParsedField[];
  result: string;
  normalized: string;
}

/** Declarations of the TL language itself, not constructors of the schema (TL-IDS.md "Builtins"). */
const BUILTINS = new Set([
  'int',
  'long',
  'double',
  'string',
  'object',
  'function',
  'bytes',
  'true',
  'boolTrue',
  'boolFalse',
  'vector',
  'int128',
  'int256',
]);

/** Field types the codec handles natively (TL-IDS.md / DIGEST §0). */
const PRIMITIVES = new Set([
  '#',
  'int',
  'long',
  'int128',
  'int256',
  'double',
  'bytes',
  'string',
  'Bool',
  'true',
]);
/** Polymorphic boxed fields: any constructor (`object`/`function` only appear in testObject). */
const ANY_TYPES = new Set(['Object', 'object', 'Function', 'function']);

export function tlCrc32(text: string): number {
  return crc32(Buffer.from(text, 'utf8')) >>> 0;
}

/** Splits `a:b (vector c) d:flags.0?(vector e)` on spaces outside parentheses. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new Error(`unbalanced ')' in: ${text}`);
    if (ch === ' ' && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) throw new Error(`unbalanced '(' in: ${text}`);
  if (cur) out.push(cur);
  return out;
}

const stripParens = (s: string): string => s.replace(/[()]/g, '').replace(/\s+/g, ' ').trim();

function parseDecl(schema: string, section: 'types' | 'functions', decl: string): ParsedDecl | null {
  const normalized = decl.replace(/[()]/g, '').replace(/\s+/g, ' ').trim();
  const tokens = splitTopLevel(decl);
  const eq = tokens.indexOf('=');
  if (eq < 1) throw new Error(`${schema}: no '=' in declaration: ${decl}`);
  const head = tokens[0];
  const hash = head.indexOf('#');
  const name = hash >= 0 ? head.slice(0, hash) : head;
  if (BUILTINS.has(name)) return null;
  if (!/^[a-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/.test(name)) {
    throw new Error(`${schema}: bad constructor name '${head}'`);
  }
  const crc = tlCrc32(normalized);
  let id = crc;
  if (hash >= 0) {
    const hex = head.slice(hash + 1);
    if (!/^[0-9a-f]{8}$/.test(hex)) throw new Error(`${schema}: bad explicit id in '${head}'`);
    id = parseInt(hex, 16) >>> 0;
  }
  const fields: ParsedField[] = [];
  for (const tok of tokens.slice(1, eq)) {
    if (tok.startsWith('{')) throw new Error(`${schema}: type parameters are not supported: ${decl}`);
    const colon = tok.indexOf(':');
    if (colon < 1) throw new Error(`${schema}: bad field '${tok}' in ${name}`);
    const fname = tok.slice(0, colon);
    let type = tok.slice(colon + 1);
    let flag: ParsedField['flag'];
    const cond = /^([A-Za-z_][A-Za-z0-9_]*)\.(\d+)\?(.+)$/.exec(type);
    if (cond) {
      const flagField = fields.find((f) => f.name === cond[1]);
      if (!flagField || flagField.type !== '#') {
        throw new Error(`${schema}: ${name}.${fname} depends on '${cond[1]}', not an earlier '#' field`);
      }
      const bit = Number(cond[2]);
      if (bit > 31) throw new Error(`${schema}: ${name}.${fname}: bit ${bit} > 31`);
      flag = { field: cond[1], bit };
      type = cond[3];
    }
    type = stripParens(type);
    if (type === 'true' && !flag)
      throw new Error(`${schema}: ${name}.${fname}: 'true' outside a flag condition`);
    fields.push(flag ? { name: fname, type, flag } : { name: fname, type });
  }
  const result = stripParens(tokens.slice(eq + 1).join(' '));
  return { schema, name, id, crc, section, fields, result, normalized };
}

/** Every declaration of one .tl file, builtins excluded, in file order. */
export function parseTlSchema(schema: string, text: string): ParsedDecl[] {
  const noComments = text.replace(/\/\/[^\n]*/g, '');
  const decls: ParsedDecl[] = [];
  let section: 'types' | 'functions' = 'types';
  for (const chunk of noComments.split(';')) {
    const marker = /---(functions|types)---/g;
    let m: RegExpExecArray | null;
    let lastEnd = 0;
    while ((m = marker.exec(chunk))) {
      if (chunk.slice(lastEnd, m.index).trim())
        throw new Error(`${schema}: declaration without ';': ${chunk}`);
      section = m[1] as 'types' | 'functions';
      lastEnd = m.index + m[0].length;
    }
    const rest = chunk.slice(lastEnd).replace(/\s+/g, ' ').trim();
    if (!rest) continue;
    const decl = parseDecl(schema, section, rest);
    if (decl) decls.push(decl);
  }
  return decls;
}

/** Merges both schemas: a constructor declared in both must be identical (same normalized text). */
export function mergeTlSchemas(...schemas: ParsedDecl[][]): ParsedDecl[] {
  const byName = new Map<string, ParsedDecl>();
  const byId = new Map<number, ParsedDecl>();
  const out: ParsedDecl[] = [];
  for (const decls of schemas) {
    for (const d of decls) {
      const prev = byName.get(d.name);
      if (prev) {
        if (prev.normalized !== d.normalized || prev.section !== d.section || prev.id !== d.id) {
          throw new Error(`${d.name} differs between ${prev.schema} and ${d.schema}`);
        }
        continue;
      }
      const clash = byId.get(d.id);
      if (clash) throw new Error(`id 0x${d.id.toString(16)} of ${d.name} clashes with ${clash.name}`);
      byName.set(d.name, d);
      byId.set(d.id, d);
      out.push(d);
    }
  }
  // Every field type must resolve: a primitive, a bare constructor, a boxed type, or Object/Function.
  const typeNames = new Set(out.filter((d) => d.section === 'types').map((d) => d.result));
  for (const d of out) {
    for (const f of d.fields) {
      let t = f.type;
      while (t.startsWith('vector ')) t = t.slice(7);
      if (PRIMITIVES.has(t) || ANY_TYPES.has(t) || typeNames.has(t)) continue;
      const ctor = byName.get(t);
      if (ctor && ctor.section === 'types') continue;
      throw new Error(`${d.name}.${f.name}: unknown type '${f.type}'`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Output

const q = (s: string): string => `'${s}'`;
const hex32 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

function tsFieldType(type: string): string {
  if (type.startsWith('vector ')) return `Array<${tsFieldType(type.slice(7))}>`;
  switch (type) {
    case '#':
    case 'int':
    case 'double':
      return 'number';
    case 'long':
      return 'bigint';
    case 'int128':
    case 'int256':
    case 'bytes':
      return 'Uint8Array';
    case 'string':
      return 'string';
    case 'Bool':
    case 'true':
      return 'boolean';
  }
  if (ANY_TYPES.has(type)) return 'TlObject';
  const last = type.slice(type.lastIndexOf('.') + 1);
  return /^[A-Z]/.test(last) ? `TlTypes[${q(type)}]` : `TlConstructors[${q(type)}]`;
}

/** TS type of a function's answer: a boxed type of the schema, a vector of one, or a builtin. */
function tsResultType(result: string, typeNames: Set<string>): string {
  if (result.startsWith('Vector ')) return `Array<${tsResultType(result.slice(7), typeNames)}>`;
  if (typeNames.has(result)) return `TlTypes[${q(result)}]`;
  switch (result) {
    case 'Bool':
      return 'boolean';
    case 'Int':
      return 'number';
    case 'Long':
      return 'bigint';
    case 'Double':
      return 'number';
    case 'String':
      return 'string';
    case 'Bytes':
      return 'Uint8Array';
  }
  return 'TlObject';
}

export function renderTlSchema(
  decls: ParsedDecl[],
  boolIds: { boolTrue: number; boolFalse: number },
): string {
  const lines: string[] = [];
  lines.push(
    '// Generated by scripts/gen-tl.ts (npm run gen:tl) from ../shared/spec/tl/ton_api.tl and lite_api.tl.',
    '// Do not edit: tests/unit/tl/schema.test.ts fails when this file is stale.',
    "import type { TlObject } from './types.ts';",
    '',
    '/** `[name, type]` or, for `name:flag.bit?type`, `[name, type, flag, bit]`; vectors are `vector <elem>`. */',
    'export type TlSchemaField = readonly [string, string] | readonly [string, string, string, number];',
    '/** `[name, wire id (uint32), 1 if declared after ---functions---, result type, fields]`. */',
    'export type TlSchemaEntry = readonly [string, number, 0 | 1, string, readonly TlSchemaField[]];',
    '',
    `export const TL_BOOL_TRUE = ${hex32(boolIds.boolTrue)};`,
    `export const TL_BOOL_FALSE = ${hex32(boolIds.boolFalse)};`,
    '',
    'export const TL_SCHEMA: readonly TlSchemaEntry[] = [',
  );
  for (const d of decls) {
    const fields = d.fields
      .map((f) =>
        f.flag
          ? `[${q(f.name)}, ${q(f.type)}, ${q(f.flag.field)}, ${f.flag.bit}]`
          : `[${q(f.name)}, ${q(f.type)}]`,
      )
      .join(', ');
    lines.push(
      `  [${q(d.name)}, ${hex32(d.id)}, ${d.section === 'functions' ? 1 : 0}, ${q(d.result)}, [${fields}]],`,
    );
  }
  lines.push('];', '');

  lines.push('/** Every constructor and function of the schema, as the codec encodes and decodes it. */');
  lines.push('export interface TlConstructors {');
  for (const d of decls) {
    const parts = [`_: ${q(d.name)}`];
    for (const f of d.fields) parts.push(`${f.name}${f.flag ? '?' : ''}: ${tsFieldType(f.type)}`);
    lines.push(`  ${q(d.name)}: { ${parts.join('; ')} };`);
  }
  lines.push('}', '');

  const byType = new Map<string, string[]>();
  for (const d of decls) {
    if (d.section !== 'types') continue;
    const list = byType.get(d.result) ?? [];
    list.push(d.name);
    byType.set(d.result, list);
  }
  lines.push('/** Every boxed type of the schema: the union of its constructors (functions excluded). */');
  lines.push('export interface TlTypes {');
  for (const [type, names] of byType) {
    lines.push(`  ${q(type)}: ${names.map((n) => `TlConstructors[${q(n)}]`).join(' | ')};`);
  }
  lines.push('}', '');

  const typeNames = new Set(byType.keys());
  lines.push('/** The answer type of every function (declared after ---functions---). */');
  lines.push('export interface TlFunctionResults {');
  for (const d of decls) {
    if (d.section === 'functions') lines.push(`  ${q(d.name)}: ${tsResultType(d.result, typeNames)};`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

const SPEC_DIR = new URL('../../shared/spec/tl/', import.meta.url);
export const GENERATED_PATH = new URL('../src/net/tl/schema.generated.ts', import.meta.url);

/** Ids of boolTrue / boolFalse, which the codec maps to JS booleans (they are builtins, not table entries). */
function boolIdsOf(text: string): { boolTrue: number; boolFalse: number } {
  const find = (name: string): number => {
    const m = new RegExp(`^${name} = Bool;`, 'm').exec(text);
    if (!m) throw new Error(`${name} not declared`);
    return tlCrc32(m[0].slice(0, -1));
  };
  return { boolTrue: find('boolTrue'), boolFalse: find('boolFalse') };
}

/** Reads both schemas and returns the text of schema.generated.ts. */
export function generateTlSchema(): string {
  const tonApi = readFileSync(new URL('ton_api.tl', SPEC_DIR), 'utf8');
  const liteApi = readFileSync(new URL('lite_api.tl', SPEC_DIR), 'utf8');
  const decls = mergeTlSchemas(parseTlSchema('ton_api.tl', tonApi), parseTlSchema('lite_api.tl', liteApi));
  return renderTlSchema(decls, boolIdsOf(tonApi));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = generateTlSchema();
  writeFileSync(GENERATED_PATH, text);
  console.log(`wrote ${fileURLToPath(GENERATED_PATH)} (${text.length} bytes)`);
}
