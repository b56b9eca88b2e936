/**
 * src/net/tl: encode and decode throughput (MB/s of TL bytes) for
 *   - adnl.packetContents carrying an adnl.message.custom with a 1 KiB payload (flags, boxed message, signature),
 *   - liteServer.runMethodResult with a 64 KiB result (bare blockIdExt pair + flag-conditional bytes),
 *   - adnl.addressList + http.response (small objects: per-object overhead dominates),
 * plus a same-run xorBaseline over the same number of bytes.
 */
import { tlDecode, tlEncode, type TlCtor } from '../src/net/tl/index.ts';
import { mbps, report, timeSync, xorBaseline } from './harness.ts';

function filled(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

const blockIdExt = (seed: number): TlCtor<'tonNode.blockIdExt'> => ({
  _: 'tonNode.blockIdExt',
  workchain: -1,
  shard: -(1n << 63n),
  seqno: 31220993 + seed,
  root_hash: filled(32, seed),
  file_hash: filled(32, seed + 1),
});

const packet: TlCtor<'adnl.packetContents'> = {
  _: 'adnl.packetContents',
  rand1: filled(15, 1),
  flags: (1 << 0) | (1 << 2) | (1 << 6) | (1 << 7) | (1 << 10) | (1 << 11),
  from: { _: 'pub.ed25519', key: filled(32, 2) },
  message: { _: 'adnl.message.custom', data: filled(1024, 3) },
  seqno: 7n,
  confirm_seqno: 6n,
  reinit_date: 1700000000,
  dst_reinit_date: 1700000001,
  signature: filled(64, 4),
  rand2: filled(7, 5),
};

const runMethodResult: TlCtor<'liteServer.runMethodResult'> = {
  _: 'liteServer.runMethodResult',
  mode: 4,
  id: blockIdExt(0),
  shardblk: blockIdExt(1),
  exit_code: 0,
  result: filled(64 * 1024, 6),
};

const httpResponse: TlCtor<'http.response'> = {
  _: 'http.response',
  http_version: 'HTTP/1.1',
  status_code: 200,
  reason: 'OK',
  headers: [
    { _: 'http.header', name: 'Content-Type', value: 'text/html; charset=utf-8' },
    { _: 'http.header', name: 'Content-Length', value: '123' },
    { _: 'http.header', name: 'Cache-Control', value: 'max-age=3600' },
  ],
  no_payload: false,
};

const cases: [
  string,
  string,
  TlCtor<'adnl.packetContents' | 'liteServer.runMethodResult' | 'http.response'>,
][] = [
  ['adnl.packetContents+custom 1KiB', 'adnl.PacketContents', packet],
  ['liteServer.runMethodResult 64KiB', 'liteServer.RunMethodResult', runMethodResult],
  ['http.response 3 headers', 'http.Response', httpResponse],
];

export default async function tlBench(): Promise<void> {
  for (const [label, type, obj] of cases) {
    const bytes = tlEncode(obj);
    // Sanity: what is timed round-trips.
    if (tlEncode(tlDecode(type, bytes)).length !== bytes.length)
      throw new Error(`${label} does not round-trip`);
    const baseline = xorBaseline(bytes.length);
    const enc = timeSync(() => tlEncode(obj), 400);
    report({
      bench: `tl encode ${label}`,
      value: mbps(bytes.length, enc),
      unit: 'MB/s',
      bytes: bytes.length,
      baseline_xor_mbps: baseline,
      ops_per_s: Math.round(1 / enc),
    });
    const dec = timeSync(() => tlDecode(type, bytes), 400);
    report({
      bench: `tl decode ${label}`,
      value: mbps(bytes.length, dec),
      unit: 'MB/s',
      bytes: bytes.length,
      baseline_xor_mbps: baseline,
      ops_per_s: Math.round(1 / dec),
    });
  }
}
