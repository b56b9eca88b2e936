/**
 * Interop, not self-agreement: the third-party ton-lite-client (with its own ADNL implementation, the `adnl`
 * package) talks to our devnet liteserver — directly over TCP and through our bridge — and gets the same
 * getMasterchainInfo, getAccountState and runSmcMethod answers as our own LiteClient.
 */
import { Address, beginCell, Cell, serializeTuple, type TupleItem } from '@ton/core';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import {
  configParamsFromProof,
  LiteClient,
  LiteServerError,
  type BlockIdExt,
  type MasterchainInfo,
} from '../../src/net/lite/index.ts';
import { bridgeTcpUrl, connectWebSocketStream } from '../../src/net/transport/index.ts';
import { tcpConnector } from '../../src/node/tcp-stream.ts';
import { connectThirdParty, type ThirdPartyLite } from './helpers/third-party-lite.ts';

let devnet: Devnet;
let ours: LiteClient;
let oursViaBridge: LiteClient;
let direct: ThirdPartyLite;
let viaBridge: ThirdPartyLite;
let info: MasterchainInfo;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** ton-lite-client's block id shape from ours. */
function theirBlock(id: BlockIdExt) {
  return {
    workchain: id.workchain,
    shard: id.shard.toString(),
    seqno: id.seqno,
    rootHash: Buffer.from(id.root_hash),
    fileHash: Buffer.from(id.file_hash),
  };
}

beforeAll(async () => {
  // No timer: blocks advance only when a test seals, so every client sees the same last block.
  devnet = await startDevnet({ blockIntervalMs: 0 });
  const ls = devnet.liteservers[0];
  ours = await LiteClient.connect(tcpConnector(ls.host, ls.port), ls.publicKey);
  oursViaBridge = await LiteClient.connect(
    () => connectWebSocketStream(bridgeTcpUrl(devnet.bridge!.url, { server: 0 }), { WebSocket }),
    ls.publicKey,
  );
  direct = await connectThirdParty({ tcp: `${ls.host}:${ls.port}` }, ls.publicKey);
  viaBridge = await connectThirdParty({ ws: bridgeTcpUrl(devnet.bridge!.url, { server: 0 }) }, ls.publicKey);
  info = await ours.getMasterchainInfo();
});

afterAll(async () => {
  ours?.close();
  oursViaBridge?.close();
  direct?.close();
  viaBridge?.close();
  await devnet?.stop();
});

describe('ton-lite-client ↔ devnet liteserver (direct and through the bridge)', () => {
  it('getMasterchainInfo: same last block, state hash and zero state', async () => {
    for (const tp of [direct, viaBridge]) {
      const theirs = await tp.client.getMasterchainInfo();
      expect(theirs.last.seqno).toBe(info.last.seqno);
      expect(theirs.last.workchain).toBe(-1);
      expect(theirs.last.shard).toBe(info.last.shard.toString());
      expect(theirs.last.rootHash.toString('hex')).toBe(hex(info.last.root_hash));
      expect(theirs.last.fileHash.toString('hex')).toBe(hex(info.last.file_hash));
      expect(theirs.stateRootHash.toString('hex')).toBe(hex(info.state_root_hash));
      expect(theirs.init.rootHash.toString('hex')).toBe(hex(info.init.root_hash));
    }
    const bridged = await oursViaBridge.getMasterchainInfo();
    expect(hex(bridged.last.root_hash)).toBe(hex(info.last.root_hash));
  });

  it('getAccountState: same Account BoC, block ids and balance, basechain and masterchain', async () => {
    for (const name of ['counter', 'masterCounter']) {
      const address = devnet.accounts[name];
      const mine = await ours.getAccountState(info.last, address);
      expect(mine.account?.addr.equals(address)).toBe(true);
      for (const tp of [direct, viaBridge]) {
        const raw = await tp.client.getAccountStateRaw(address, theirBlock(info.last));
        expect(raw.raw.toString('hex')).toBe(hex(mine.raw.state));
        expect(raw.shardBlock.seqno).toBe(mine.raw.shardblk.seqno);
        expect(raw.shardBlock.rootHash.toString('hex')).toBe(hex(mine.raw.shardblk.root_hash));
        expect(raw.balance.coins).toBe(mine.account!.storage.balance.coins);
        expect(raw.state?.storage.state.type).toBe('active');
        // ton-lite-client reads the last transaction from our state proof (2nd root of `proof`).
        expect(raw.lastTx).not.toBeNull();
      }
      const bridged = await oursViaBridge.getAccountState(info.last, address);
      expect(hex(bridged.raw.state)).toBe(hex(mine.raw.state));
    }
  });

  it('runSmcMethod: same exit codes and result stacks (ints, 257-bit ints, cells, slices, tuples, null)', async () => {
    const address = devnet.accounts.counter;
    const cases: { method: string; args: TupleItem[]; exit: number }[] = [
      { method: 'counter', args: [], exit: 0 },
      { method: 'big', args: [], exit: 0 },
      { method: 'everything', args: [], exit: 0 },
      { method: 'note_slice', args: [], exit: 0 },
      {
        method: 'echo',
        args: [
          { type: 'cell', cell: beginCell().storeStringTail('arg').endCell() },
          { type: 'int', value: -(2n ** 200n) },
        ],
        exit: 0,
      },
      { method: 'fail', args: [], exit: 42 },
    ];
    for (const c of cases) {
      const mine = await ours.runGetMethod(info.last, address, c.method, c.args);
      expect(mine.exitCode, c.method).toBe(c.exit);
      const params = serializeTuple(c.args).toBoc();
      for (const tp of [direct, viaBridge]) {
        const theirs = await tp.client.runMethod(address, c.method, params, theirBlock(info.last));
        expect(theirs.exitCode, c.method).toBe(c.exit);
        expect(Buffer.from(theirs.result!, 'base64').toString('hex'), c.method).toBe(hex(mine.raw.result!));
      }
    }
    const echo = await ours.runGetMethod(info.last, address, 'echo', [
      { type: 'cell', cell: beginCell().storeStringTail('arg').endCell() },
      { type: 'int', value: 41n },
    ]);
    expect(echo.stack?.[1]).toEqual({ type: 'int', value: 42n });
    expect((echo.stack?.[0] as { cell: Cell }).cell.beginParse().loadStringTail()).toBe('arg');
  });

  it('getConfig: ton-lite-client and our proof reader see the same ConfigParams', async () => {
    const mine = await ours.getConfigParams(info.last, [0, 4, 19]);
    const params = configParamsFromProof(mine.config_proof, [0, 4, 19]);
    const theirs = await direct.client.getConfig(theirBlock(info.last));
    for (const p of [0, 4, 19]) {
      expect(params.get(p)?.hash().toString('hex'), `param ${p}`).toBe(
        theirs.config.get(p)?.hash().toString('hex'),
      );
    }
  });

  it('block headers and lookups agree; blocks advance with real hashes', async () => {
    const before = info.last.seqno;
    devnet.seal();
    const next = await ours.getMasterchainInfo();
    expect(next.last.seqno).toBe(before + 1);
    expect(hex(next.last.root_hash)).not.toBe(hex(info.last.root_hash));
    const header = await ours.getBlockHeader(next.last);
    const proof = Cell.fromBoc(Buffer.from(header.header_proof))[0];
    expect(proof.refs[0].hash(0).toString('hex')).toBe(hex(next.last.root_hash));
    const theirs = await direct.client.lookupBlockByID({
      workchain: -1,
      shard: '-9223372036854775808',
      seqno: before,
    });
    expect(theirs.id.rootHash.toString('hex')).toBe(hex(info.last.root_hash));
    const shard = await direct.client.lookupBlockByID({
      workchain: 0,
      shard: '-9223372036854775808',
      seqno: 1,
    });
    expect(shard.id.workchain).toBe(0);
  });

  it('answers waitMasterchainSeqno once the block exists, errors for unknown queries and missing accounts', async () => {
    const now = (await ours.getMasterchainInfo()).last.seqno;
    const waiting = ours.getMasterchainInfo({ waitMasterchainSeqno: now + 1, timeoutMs: 10_000 });
    setTimeout(() => devnet.seal(), 50);
    expect((await waiting).last.seqno).toBe(now + 1);

    await expect(
      ours.query({ _: 'liteServer.getAllShardsInfo', id: info.last }, 'liteServer.allShardsInfo'),
    ).rejects.toBeInstanceOf(LiteServerError);
    const missing = await ours.getAccountState(info.last, new Address(0, Buffer.alloc(32, 7)));
    expect(missing.account).toBeNull();
    expect(missing.raw.state.length).toBe(0);
    await expect(
      ours.runGetMethod(info.last, new Address(0, Buffer.alloc(32, 7)), 'counter'),
    ).rejects.toBeInstanceOf(LiteServerError);
  });
});
