/**
 * DHT objects against bytes we did not produce: the C++-reference dht.valueFound (via tonutils-go's interop
 * test) and the signed static nodes of the real mainnet global config.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keyPairFromSeed } from '../../../src/net/crypto/index.ts';
import { tlEncode } from '../../../src/net/tl/index.ts';
import {
  decodeValueResult,
  dhtKeyId,
  dhtNodeSignedBytes,
  DhtVerifyError,
  keyDescriptionSignedBytes,
  makeSignedValue,
  parseDhtConfig,
  valueSignedBytes,
  verifyDhtNode,
  verifyDhtValue,
  dhtNodeFromJson,
} from '../../../src/net/dht/index.ts';

const spec = (p: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../shared/spec/${p}`, import.meta.url), 'utf8'));
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface ValueVector {
  ed25519_seed: string;
  pub: string;
  key_id_sha256_pub_tl: string;
  key_name: string;
  key_idx: number;
  value: string;
  ttl: number;
  dht_key_boxed_tl: string;
  dht_key_id_sha256: string;
  key_description_bytes_signed: string;
  value_bytes_signed: string;
  value_found_hex: string;
}

describe('dht_value_found_cpp_reference.json', () => {
  const v = spec('vectors/dht_value_found_cpp_reference.json') as ValueVector;

  it('parses, and every signature and id checks out', () => {
    const r = decodeValueResult(hex(v.value_found_hex));
    expect(r.kind).toBe('found');
    if (r.kind !== 'found') return;
    const info = verifyDhtValue(r.value, v.ttl - 10);
    expect(info.rule).toBe('signature');
    expect(toHex(info.keyId)).toBe(v.dht_key_id_sha256);
    expect(toHex(tlEncode(info.key))).toBe(v.dht_key_boxed_tl);
    expect(toHex(info.key.id)).toBe(v.key_id_sha256_pub_tl);
    expect(new TextDecoder().decode(info.key.name)).toBe(v.key_name);
    expect(info.key.idx).toBe(v.key_idx);
    expect(new TextDecoder().decode(info.value)).toBe(v.value);
    expect(info.ttl).toBe(v.ttl);
    expect(info.owner._).toBe('pub.ed25519');
    if (info.owner._ === 'pub.ed25519') expect(toHex(info.owner.key)).toBe(v.pub);
    expect(toHex(keyDescriptionSignedBytes(r.value.key))).toBe(v.key_description_bytes_signed);
    expect(toHex(valueSignedBytes(r.value))).toBe(v.value_bytes_signed);
    expect(toHex(dhtKeyId(r.value.key.key))).toBe(v.dht_key_id_sha256);
  });

  it('our signer produces the same bytes (Ed25519 is deterministic)', () => {
    const kp = keyPairFromSeed(hex(v.ed25519_seed));
    expect(toHex(kp.publicKey)).toBe(v.pub);
    const value = makeSignedValue(kp, v.key_name, v.key_idx, new TextEncoder().encode(v.value), v.ttl);
    expect(toHex(tlEncode({ _: 'dht.valueFound', value }))).toBe(v.value_found_hex);
  });

  it('is rejected once expired, or with any signature byte flipped', () => {
    const r = decodeValueResult(hex(v.value_found_hex));
    if (r.kind !== 'found') throw new Error('unreachable');
    expect(() => verifyDhtValue(r.value, v.ttl + 1)).toThrow(DhtVerifyError);
    expect(() => verifyDhtValue(r.value, v.ttl)).not.toThrow();
    const badValueSig = { ...r.value, signature: r.value.signature.map((b, i) => (i === 5 ? b ^ 1 : b)) };
    expect(() => verifyDhtValue(badValueSig, v.ttl - 10)).toThrow(/dht.value signature/);
    const badDescSig = {
      ...r.value,
      key: { ...r.value.key, signature: r.value.key.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) },
    };
    expect(() => verifyDhtValue(badDescSig, v.ttl - 10)).toThrow(/key description signature/);
    const badData = { ...r.value, value: new TextEncoder().encode('hello-from-cpq') };
    expect(() => verifyDhtValue(badData, v.ttl - 10)).toThrow(/dht.value signature/);
  });
});

describe('dht_static_node_signatures.json and the mainnet config', () => {
  const samples = (
    spec('vectors/dht_static_node_signatures.json') as {
      samples: {
        pub: string;
        adnl_id: string;
        signed_bytes_hex: string;
        signature_hex: string;
        valid: boolean;
      }[];
    }
  ).samples;
  const config = spec('global-config-mainnet.json') as { dht: { static_nodes: { nodes: unknown[] } } };

  it('every sample verifies, over exactly the listed signed bytes', () => {
    for (const s of samples) {
      const raw = config.dht.static_nodes.nodes
        .map(dhtNodeFromJson)
        .find((n) => n.id._ === 'pub.ed25519' && toHex(n.id.key) === s.pub);
      expect(raw).toBeDefined();
      if (!raw) continue;
      expect(toHex(raw.signature)).toBe(s.signature_hex);
      expect(toHex(dhtNodeSignedBytes(raw))).toBe(s.signed_bytes_hex);
      const node = verifyDhtNode(raw);
      expect(s.valid).toBe(true);
      expect(toHex(node.id)).toBe(s.adnl_id);
      expect(node.networkId).toBe(-1);
    }
  });

  it('all 12 mainnet static nodes verify (k=6, a=3)', () => {
    const parsed = parseDhtConfig(config);
    expect(parsed.k).toBe(6);
    expect(parsed.a).toBe(3);
    expect(parsed.networkId).toBe(-1);
    expect(parsed.staticNodes).toHaveLength(12);
    expect(config.dht.static_nodes.nodes).toHaveLength(12);
    for (const n of parsed.staticNodes) expect(n.addresses.length).toBeGreaterThan(0);
  });

  it('a node with a tampered address or version fails', () => {
    const raw = dhtNodeFromJson(config.dht.static_nodes.nodes[0]);
    const moved = {
      ...raw,
      addr_list: { ...raw.addr_list, addrs: [{ _: 'adnl.address.udp' as const, ip: 1, port: 1 }] },
    };
    expect(() => verifyDhtNode(moved)).toThrow(DhtVerifyError);
    expect(() => verifyDhtNode({ ...raw, version: raw.version + 1 })).toThrow(DhtVerifyError);
    expect(() => verifyDhtNode({ ...raw, signature: raw.signature.subarray(0, 63) })).toThrow(/64 or 68/);
  });
});
