/** Constructor ids: every row of tl-ids.json and the TL-IDS.md worked examples against the codec's tlId(). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TlError, tlDecode, tlEncode, tlId, tlNameOf } from '../../../src/net/tl/index.ts';
import { TL_BOOL_FALSE, TL_BOOL_TRUE } from '../../../src/net/tl/schema.generated.ts';
import { tlCrc32 } from '../../../scripts/gen-tl.ts';

interface IdRow {
  schema: string;
  name: string;
  section: string;
  id_hex: string;
  wire_le_hex: string;
  id_int32: number;
  normalized: string;
}
const ids = JSON.parse(
  readFileSync(new URL('../../../../shared/spec/tl/tl-ids.json', import.meta.url), 'utf8'),
) as {
  count: number;
  rows: IdRow[];
};

describe('constructor ids', () => {
  it('tl-ids.json lists 744 declarations', () => {
    expect(ids.rows).toHaveLength(ids.count);
    expect(ids.count).toBe(744);
  });

  it('every id in tl-ids.json equals tlId(name)', () => {
    let explicit = 0;
    for (const row of ids.rows) {
      expect(row.wire_le_hex).toBe(Buffer.from(row.id_hex, 'hex').reverse().toString('hex'));
      expect(row.id_int32 >>> 0).toBe(parseInt(row.id_hex, 16));
      const hash = row.name.indexOf('#');
      if (hash < 0) {
        expect(tlId(row.name).toString(16).padStart(8, '0'), row.name).toBe(row.id_hex);
        expect(tlNameOf(parseInt(row.id_hex, 16))).toBe(row.name);
      } else {
        // `name#hex` pins the wire id to hex (TL language: an explicit number overrides the CRC32; TON uses it to
        // keep the old id of a constructor that later grew a field:
        // 0xb12f65af is the CRC32 of liteServer.transactionId without `metadata`, 0xf644a6e6 the CRC32 of the
        // old liteServer.signatureSet). tl-ids.json lists the CRC32 of the full text, which is not sent.
        explicit++;
        const name = row.name.slice(0, hash);
        expect(tlId(name), name).toBe(parseInt(row.name.slice(hash + 1), 16));
        expect(tlCrc32(row.normalized).toString(16).padStart(8, '0')).toBe(row.id_hex);
      }
    }
    expect(explicit).toBe(6);
  });

  it('explicit ids are the CRC32 of the declarations they replaced', () => {
    expect(tlId('liteServer.transactionId')).toBe(
      tlCrc32(
        'liteServer.transactionId mode:# account:mode.0?int256 lt:mode.1?long hash:mode.2?int256 = liteServer.TransactionId',
      ),
    );
    expect(tlId('liteServer.signatureSet.ordinary')).toBe(
      tlCrc32(
        'liteServer.signatureSet validator_set_hash:int catchain_seqno:int signatures:vector liteServer.signature = liteServer.SignatureSet',
      ),
    );
    // ton-lite-client (a third party) encodes the old liteServer.signatureSet with this same id.
    expect(tlId('liteServer.signatureSet.ordinary') | 0).toBe(-163272986);
  });

  it('TL-IDS.md worked examples', () => {
    const examples: [string, number, string][] = [
      ['tcp.ping', 0x4d082b9a, '9a2b084d'],
      ['adnl.message.query', 0xb48bf97a, '7af98bb4'],
      ['liteServer.runSmcMethod', 0x5cc65dd2, 'd25dc65c'],
      ['adnl.packetContents', 0xd142cd89, '89cd42d1'],
      ['pub.ed25519', 0x4813b4c6, 'c6b41348'],
    ];
    for (const [name, id, wire] of examples) {
      expect(tlId(name), name).toBe(id);
      expect(Buffer.from(tlEncode({ _: name, ...minimal(name) }).subarray(0, 4)).toString('hex')).toBe(wire);
    }
    // ton-lite-client writeInt32 values (TL-IDS.md column "independent source").
    expect(tlId('adnl.message.query') | 0).toBe(-1265895046);
    expect(tlId('liteServer.runSmcMethod') | 0).toBe(1556504018);
  });

  it('Bool ids (DIGEST §0)', () => {
    expect(TL_BOOL_TRUE).toBe(0x997275b5);
    expect(TL_BOOL_FALSE).toBe(0xbc799737);
    expect(tlCrc32('boolTrue = Bool')).toBe(TL_BOOL_TRUE);
  });

  it('unknown names and ids', () => {
    expect(() => tlId('no.such')).toThrow(TlError);
    expect(tlNameOf(0)).toBeUndefined();
    expect(() => tlDecode('no.such', new Uint8Array(4))).toThrow(TlError);
    expect(() => tlDecode('Object', new Uint8Array(4))).toThrow(/unknown constructor id 0x00000000/);
  });
});

/** Smallest valid field values for the worked-example constructors. */
function minimal(name: string): Record<string, unknown> {
  const z32 = new Uint8Array(32);
  const blockIdExt = { workchain: -1, shard: -(1n << 63n), seqno: 1, root_hash: z32, file_hash: z32 };
  switch (name) {
    case 'tcp.ping':
      return { random_id: 1n };
    case 'adnl.message.query':
      return { query_id: z32, query: new Uint8Array(0) };
    case 'liteServer.runSmcMethod':
      return {
        mode: 4,
        id: blockIdExt,
        account: { workchain: 0, id: z32 },
        method_id: 1n,
        params: new Uint8Array(0),
      };
    case 'adnl.packetContents':
      return { rand1: new Uint8Array(7), flags: 0, rand2: new Uint8Array(3) };
    case 'pub.ed25519':
      return { key: z32 };
  }
  throw new Error(name);
}
