/**
 * The 35 TL serializations made by tonutils-go (an independent implementation) must round-trip byte for byte,
 * and the fields we decode must equal the values tonutils-go says it serialized.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TlError, TlReader, tlDecode, tlEncode, tlHash, type TlObject } from '../../../src/net/tl/index.ts';
import { parseTlSchema } from '../../../scripts/gen-tl.ts';

interface TlVector {
  name: string;
  schema: string;
  constructor_id_le_hex: string;
  fields: Record<string, unknown>;
  hex: string;
}
const adnl = JSON.parse(
  readFileSync(new URL('../../../../shared/spec/vectors/tonutils-go/adnl.json', import.meta.url), 'utf8'),
) as { tl: TlVector[] };

const functions = new Set(
  parseTlSchema(
    'ton_api.tl',
    readFileSync(new URL('../../../../shared/spec/tl/ton_api.tl', import.meta.url), 'utf8'),
  )
    .filter((d) => d.section === 'functions')
    .map((d) => d.name),
);

const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// tonutils-go field names (Go struct fields) that are not simply the CamelCase of the TL field name.
const ALIASES: Record<string, string[]> = {
  ID: ['query_id', 'random_id'],
  Data: ['query', 'answer'],
  Value: ['capabilities'],
  Version: ['http_version'],
  IsLast: ['last'],
  Addresses: ['addrs'],
  Index: ['idx'],
};
const snake = (go: string): string => go.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function ipv4ToInt(ip: string): number {
  const [a, b, c, d] = ip.split('.').map(Number);
  return (a << 24) | (b << 16) | (c << 8) | d | 0; // adnl.address.udp ip:int is the big-endian u32 (adnl.json note)
}

/** Compares a tonutils-go value with ours; `where` names the place for failure messages. */
function expectSame(go: unknown, ours: unknown, where: string): void {
  if (ours instanceof Uint8Array) {
    if (typeof go === 'string') {
      expect(toHex(ours), where).toBe(go);
    } else {
      // A bytes field carrying a boxed TL object (adnl.message.query.query, rldp.query.data, ...).
      expectSameObject(go as Record<string, unknown>, tlDecode('Object', ours), where);
    }
  } else if (typeof ours === 'bigint') {
    expect(Number(ours), where).toBe(go); // JSON numbers above 2^53 are rounded the same way
  } else if (typeof ours === 'number' && typeof go === 'string') {
    expect(ours, where).toBe(ipv4ToInt(go));
  } else if (Array.isArray(ours)) {
    expect(Array.isArray(go), where).toBe(true);
    expect(ours.length, where).toBe((go as unknown[]).length);
    ours.forEach((o, i) => expectSame((go as unknown[])[i], o, `${where}[${i}]`));
  } else if (typeof ours === 'object' && ours !== null) {
    expectSameObject(go as Record<string, unknown>, ours as TlObject, where);
  } else {
    expect(ours, where).toBe(go);
  }
}

function expectSameObject(go: Record<string, unknown>, ours: TlObject, where: string): void {
  for (const [key, value] of Object.entries(go)) {
    if (key === '@type') continue;
    const field = [snake(key), ...(ALIASES[key] ?? [])].find((f) => f in ours);
    expect(field, `${where}: no field of ${ours._} for tonutils-go ${key}`).toBeDefined();
    expectSame(value, ours[field as string], `${where}.${field}`);
  }
}

describe('tonutils-go TL serializations (vectors/tonutils-go/adnl.json)', () => {
  it('has all 35 vectors', () => {
    expect(adnl.tl).toHaveLength(35);
  });

  for (const v of adnl.tl) {
    it(`${v.name}: decodes, re-encodes byte for byte, fields match`, () => {
      const bytes = fromHex(v.hex);
      expect(v.hex.slice(0, 8)).toBe(v.constructor_id_le_hex);
      const reader = new TlReader(bytes);
      const objects: TlObject[] = [];
      while (reader.remaining > 0) objects.push(reader.object('Object'));
      const names = v.schema.split('; ').map((decl) => decl.split(' ')[0]);
      expect(objects.map((o) => o._)).toEqual(names);
      expect(toHex(Buffer.concat(objects.map((o) => tlEncode(o))))).toBe(v.hex);
      if ('@type' in v.fields) {
        expect(objects).toHaveLength(1);
        expectSameObject(v.fields, objects[0], v.name);
        // Decoding by name, and for constructors through their boxed type, gives the same object.
        expect(tlDecode(names[0], bytes)).toEqual(objects[0]);
        const resultType = v.schema.slice(v.schema.lastIndexOf('= ') + 2);
        if (functions.has(names[0])) expect(() => tlDecode(resultType, bytes)).toThrow(TlError);
        else expect(tlDecode(resultType, bytes)).toEqual(objects[0]);
      }
    });
  }

  it('overlay.query prefix + overlay.getRandomPeers: two concatenated boxed objects', () => {
    const v = adnl.tl.find((t) => t.name.startsWith('overlay.query prefix'))!;
    const r = new TlReader(fromHex(v.hex));
    const prefix = r.object('overlay.query');
    expect(toHex(prefix.overlay as Uint8Array)).toBe('66'.repeat(32));
    expect(r.object('overlay.getRandomPeers')).toEqual({
      _: 'overlay.getRandomPeers',
      peers: { _: 'overlay.nodes', nodes: [] },
    });
    r.assertEnd();
    const wrapped = adnl.tl.find((t) => t.name === 'adnl.message.query(overlay.query+getRandomPeers)')!;
    const q = tlDecode('adnl.message.query', fromHex(wrapped.hex));
    expect(toHex(q.query)).toBe(v.hex);
    expect(toHex(q.query_id)).toBe('11'.repeat(32));
  });

  it('dht.findValue key is the TL hash of the dht.key vector', () => {
    const key = adnl.tl.find((t) => t.name.startsWith('dht.key'))!;
    const find = adnl.tl.find((t) => t.name === 'dht.findValue')!;
    expect(toHex(tlHash(tlDecode('dht.key', fromHex(key.hex))))).toBe(find.fields.Key);
  });
});
