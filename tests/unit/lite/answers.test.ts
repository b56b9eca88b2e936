/** Lite answer decoding, query wrapping, account/config parsing: vectors, ton-lite-client's encoder, fuzz. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { TLWriteBuffer } from 'ton-tl';
import { Functions } from 'ton-lite-client/dist/schema.js';
import { Address } from '@ton/core';
import { tlEncode } from '../../../src/net/tl/index.ts';
import {
  LiteError,
  LiteServerError,
  configParamsFromProof,
  decodeLiteAnswer,
  encodeLiteError,
  encodeLiteQuery,
  int32ToIpv4,
  ipv4ToInt32,
  liteServersFromConfig,
  parseAccountState,
  parseLiteQuery,
  toLiteAccountId,
  type MasterchainInfo,
} from '../../../src/net/lite/index.ts';
import { CONFIG_PARAMS, buildConfigProof } from './fake-liteserver.ts';

const spec = (path: string) =>
  JSON.parse(readFileSync(new URL(`../../../../shared/spec/${path}`, import.meta.url), 'utf8'));
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('answers from the ton-docs vectors', () => {
  it('masterchainInfo answer (inside the documented response frame)', () => {
    const v = spec('vectors/adnl_tcp_getMasterchainInfo_frames.json');
    const frame = hex(v.response_frame_hex);
    // size(4) nonce(32), then adnl.message.answer: id(4) query_id(32) bytes length byte 0xb8 (184) + answer
    const start = 36 + 4 + 32 + 1;
    expect(frame[start - 1]).toBe(0xb8);
    const answer = frame.subarray(start, start + 0xb8);
    const info = decodeLiteAnswer<MasterchainInfo>(answer, 'liteServer.masterchainInfo');
    expect(info.last.seqno).toBe(v.decoded_response.last.seqno);
    expect(() => decodeLiteAnswer(answer, 'liteServer.currentTime')).toThrow(LiteError);
  });

  it('accountState.state parses to the documented account', () => {
    const v = spec('vectors/liteserver_accountState_example.json');
    const { account, root } = parseAccountState(hex(v.state_boc));
    expect(root?.hash().toString('hex')).toBe(v.root_hash_computed_by_us);
    expect(account?.addr.toString()).toBe(v.account);
    expect(account?.addr.workChain).toBe(v.expected.workchain);
    expect(account?.addr.hash.toString('hex')).toBe(v.expected.address_hash);
    expect(account?.storageStats.used.cells).toBe(BigInt(v.expected.storage_used_cells));
    expect(account?.storage.balance.coins).toBe(BigInt(v.expected.balance_nanoton));
    expect(toLiteAccountId(v.account).id).toEqual(hex(v.expected.address_hash));
    expect(parseAccountState(new Uint8Array(0)).account).toBeNull();
  });
});

describe('query wrapping agrees with ton-lite-client (third-party encoder)', () => {
  it('getMasterchainInfo with and without the waitMasterchainSeqno prefix', () => {
    const w = new TLWriteBuffer();
    Functions.liteServer_waitMasterchainSeqno.encodeRequest(
      { kind: 'liteServer.waitMasterchainSeqno', seqno: 1234, timeoutMs: 5000 },
      w,
    );
    Functions.liteServer_getMasterchainInfo.encodeRequest({ kind: 'liteServer.getMasterchainInfo' }, w);
    const q = new TLWriteBuffer();
    Functions.liteServer_query.encodeRequest({ kind: 'liteServer.query', data: w.build() }, q);
    const theirs = new Uint8Array(q.build());
    const ours = encodeLiteQuery({ _: 'liteServer.getMasterchainInfo' }, { seqno: 1234, timeoutMs: 5000 });
    expect(ours).toEqual(theirs);
    expect(parseLiteQuery(ours)).toEqual({
      fn: { _: 'liteServer.getMasterchainInfo' },
      wait: { seqno: 1234, timeoutMs: 5000 },
    });
    expect(parseLiteQuery(encodeLiteQuery({ _: 'liteServer.getTime' }))).toEqual({
      fn: { _: 'liteServer.getTime' },
    });
  });

  it('runSmcMethod request bytes', () => {
    const id = {
      workchain: -1,
      shard: '-9223372036854775808',
      seqno: 77,
      rootHash: Buffer.alloc(32, 1),
      fileHash: Buffer.alloc(32, 2),
    };
    const params = Buffer.from('b5ee9c72410101010005000006000000', 'hex');
    const w = new TLWriteBuffer();
    Functions.liteServer_runSmcMethod.encodeRequest(
      {
        kind: 'liteServer.runSmcMethod',
        mode: 4,
        id: { kind: 'tonNode.blockIdExt', ...id },
        account: { kind: 'liteServer.accountId', workchain: 0, id: Buffer.alloc(32, 3) },
        methodId: '77322',
        params,
      },
      w,
    );
    const ours = tlEncode({
      _: 'liteServer.runSmcMethod',
      mode: 4,
      id: {
        _: 'tonNode.blockIdExt',
        workchain: -1,
        shard: -(1n << 63n),
        seqno: 77,
        root_hash: new Uint8Array(32).fill(1),
        file_hash: new Uint8Array(32).fill(2),
      },
      account: { _: 'liteServer.accountId', workchain: 0, id: new Uint8Array(32).fill(3) },
      method_id: 77322n,
      params: new Uint8Array(params),
    });
    expect(ours).toEqual(new Uint8Array(w.build()));
  });
});

describe('liteServer.error and wrong constructors', () => {
  it('maps liteServer.error to LiteServerError with its code', () => {
    const err = (() => {
      try {
        decodeLiteAnswer(encodeLiteError(651, 'block not found'), 'liteServer.masterchainInfo');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(LiteServerError);
    expect((err as LiteServerError).code).toBe(651);
    expect((err as LiteServerError).serverMessage).toBe('block not found');
  });

  const expectedTypes = [
    'liteServer.masterchainInfo',
    'liteServer.masterchainInfoExt',
    'liteServer.currentTime',
    'liteServer.blockHeader',
    'liteServer.accountState',
    'liteServer.runMethodResult',
    'liteServer.configInfo',
  ];

  it('random answers → LiteError only, for every answer type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...expectedTypes), fc.uint8Array({ maxLength: 300 }), (t, bytes) => {
        try {
          decodeLiteAnswer(bytes, t);
        } catch (error) {
          expect(error).toBeInstanceOf(LiteError);
        }
      }),
    );
  });

  it('mutated valid answers → a value or LiteError', () => {
    const valid = tlEncode({
      _: 'liteServer.runMethodResult',
      mode: 5,
      id: {
        _: 'tonNode.blockIdExt',
        workchain: -1,
        shard: 1n,
        seqno: 1,
        root_hash: new Uint8Array(32),
        file_hash: new Uint8Array(32),
      },
      shardblk: {
        _: 'tonNode.blockIdExt',
        workchain: -1,
        shard: 1n,
        seqno: 1,
        root_hash: new Uint8Array(32),
        file_hash: new Uint8Array(32),
      },
      shard_proof: Uint8Array.of(1),
      proof: Uint8Array.of(2),
      exit_code: 0,
      result: Uint8Array.of(3, 4, 5),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (flips) => {
          const b = valid.slice();
          for (const [at, x] of flips) b[at % b.length] ^= x;
          try {
            decodeLiteAnswer(b, 'liteServer.runMethodResult');
          } catch (error) {
            expect(error).toBeInstanceOf(LiteError);
          }
        },
      ),
    );
  });

  it('random queries → LiteError only (server side)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          parseLiteQuery(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(LiteError);
        }
      }),
    );
    expect(() =>
      parseLiteQuery(tlEncode({ _: 'liteServer.query', data: tlEncode({ _: 'tcp.ping', random_id: 1n }) })),
    ).toThrow(/not a lite_api function/);
  });
});

describe('global config', () => {
  it('reads the mainnet liteservers; ip is a signed int32', () => {
    const config = spec('global-config-mainnet.json');
    const servers = liteServersFromConfig(config);
    expect(servers.length).toBe(config.liteservers.length);
    expect(servers[0]).toMatchObject({
      index: 0,
      port: config.liteservers[0].port,
      key: config.liteservers[0].id.key,
    });
    expect(servers[0].publicKey.length).toBe(32);
    expect(int32ToIpv4(-2018135749)).toBe('135.181.177.59'); // DIGEST §3
    expect(ipv4ToInt32('135.181.177.59')).toBe(-2018135749);
    for (const s of config.liteservers) expect(ipv4ToInt32(int32ToIpv4(s.ip))).toBe(s.ip);
    expect(ipv4ToInt32('127.0.0.1')).toBe(2130706433);
  });

  it('rejects malformed entries with LiteError', () => {
    const good = {
      ip: 2130706433,
      port: 1,
      id: { '@type': 'pub.ed25519', key: Buffer.alloc(32).toString('base64') },
    };
    for (const bad of [
      null,
      {},
      { liteservers: {} },
      { liteservers: [{ ...good, ip: 'x' }] },
      { liteservers: [{ ...good, port: 70000 }] },
      { liteservers: [{ ...good, id: { '@type': 'pub.aes', key: good.id.key } }] },
      { liteservers: [{ ...good, id: { '@type': 'pub.ed25519', key: 'AAAA' } }] },
      { liteservers: [{ ...good, ip: 2 ** 40 }] },
    ]) {
      expect(() => liteServersFromConfig(bad)).toThrow(LiteError);
    }
    expect(() => ipv4ToInt32('1.2.3.256')).toThrow(LiteError);
  });
});

describe('config params from a Merkle proof (pruned by @ton/core generateMerkleProof)', () => {
  it('finds requested params, reports absent ones as absent, refuses pruned paths', () => {
    const proof = buildConfigProof([4, 8, 99]);
    const params = configParamsFromProof(proof, [4, 8, 99]);
    expect(params.get(4)?.equals(CONFIG_PARAMS.get(4)!)).toBe(true);
    expect(params.get(8)?.equals(CONFIG_PARAMS.get(8)!)).toBe(true);
    expect(params.has(99)).toBe(false);
    expect(() => configParamsFromProof(proof, [34])).toThrow(/prunes/);
    expect(() => configParamsFromProof(hex('b5ee9c72410101010005000006000000'), [4])).toThrow(LiteError);
  });

  it('random proofs → LiteError only', () => {
    const valid = buildConfigProof([4]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
        (flips) => {
          const b = valid.slice();
          for (const [at, x] of flips) b[at % b.length] ^= x;
          try {
            configParamsFromProof(b, [0, 4, 8]);
          } catch (error) {
            expect(error).toBeInstanceOf(LiteError);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('account ids', () => {
  it('accepts Address, strings and raw ids; rejects junk', () => {
    const a = Address.parse('EQAhE3sLxHZpsyZ_HecMuwzvXHKLjYx4kEUehhOy2JmCcHCT');
    expect(toLiteAccountId(a)).toEqual(toLiteAccountId(a.toRawString()));
    expect(() => toLiteAccountId('nope')).toThrow(LiteError);
    expect(() => toLiteAccountId({ workchain: 0, id: new Uint8Array(31) })).toThrow(LiteError);
  });
});
