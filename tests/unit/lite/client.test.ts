/** LiteClient against a liteserver made from our server end; the same server against ton-lite-client. */
import { afterEach, describe, expect, it } from 'vitest';
import { Address, Cell, TupleReader, parseTuple, serializeTuple } from '@ton/core';
import { LiteClient as ThirdPartyLiteClient, LiteSingleEngine } from 'ton-lite-client';
import { AdnlTcpClient, serveAdnlTcp } from '../../../src/net/adnl/index.ts';
import { createMemoryStreamPair } from '../../../src/net/transport/index.ts';
import { tlEncode } from '../../../src/net/tl/index.ts';
import {
  LiteClient,
  LiteError,
  LiteServerError,
  configParamsFromProof,
  createLiteQueryHandler,
  decodeLiteAnswer,
  type VmStackValue,
} from '../../../src/net/lite/index.ts';
import { STACK_SAMPLE, blockOf, createFakeLiteServer, listenFakeLiteServer } from './fake-liteserver.ts';

const ACCOUNT = Address.parse('EQAhE3sLxHZpsyZ_HecMuwzvXHKLjYx4kEUehhOy2JmCcHCT');
const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

async function connect(server = createFakeLiteServer()) {
  const client = await LiteClient.connect(server.connector, server.keys.publicKey, { pingIntervalMs: 0 });
  cleanup.push(() => client.close());
  return { client, server };
}

const normalize = (v: VmStackValue): unknown =>
  v.type === 'cell' || v.type === 'slice' || v.type === 'builder'
    ? { type: v.type, hash: v.cell.hash().toString('hex') }
    : v.type === 'tuple'
      ? { type: 'tuple', items: v.items.map(normalize) }
      : v;

describe('LiteClient ⇄ our liteserver end', () => {
  it('getMasterchainInfo(Ext), getTime, getVersion, with the wait prefix', async () => {
    const { client, server } = await connect();
    const info = await client.getMasterchainInfo();
    expect(info.last.seqno).toBe(1000);
    expect(info.init.root_hash).toEqual(new Uint8Array(32).fill(0x17));
    expect((await client.getMasterchainInfoExt()).last_utime).toBe(1_700_000_000);
    expect(await client.getTime({ waitMasterchainSeqno: 999, waitTimeoutMs: 3000 })).toBe(1_700_000_005);
    expect((await client.getVersion()).version).toBe(0x101);
    expect(server.waits).toEqual([undefined, undefined, { seqno: 999, timeoutMs: 3000 }, undefined]);
  });

  it('getBlockHeader / lookupBlock check the block they get back', async () => {
    const { client } = await connect();
    const header = await client.getBlockHeader(blockOf(1000));
    expect(header.header_proof).toEqual(Uint8Array.of(1, 2, 3));
    const found = await client.lookupBlock({ workchain: -1, shard: -(1n << 63n), seqno: 990 });
    expect(found.id).toEqual(blockOf(990));
    await expect(
      client.lookupBlock({ workchain: -1, shard: -(1n << 63n), seqno: 5000 }),
    ).rejects.toMatchObject({
      code: 651,
    });
  });

  it('getAccountState parses the account (and account_none)', async () => {
    const { client } = await connect();
    const state = await client.getAccountState(blockOf(1000), ACCOUNT);
    expect(state.account?.storage.balance.coins).toBe(531223439883591776n);
    const none = await client.getAccountState(blockOf(1000), { workchain: 0, id: new Uint8Array(32) });
    expect(none.account).toBeNull();
  });

  it('runGetMethod encodes and decodes stacks; exit codes pass through', async () => {
    const { client } = await connect();
    const sum = await client.runGetMethod(blockOf(1000), ACCOUNT, 'sum', [
      { type: 'int', value: 40n },
      { type: 'int', value: 2n },
    ]);
    expect(sum.success).toBe(true);
    expect(new TupleReader(sum.stack!).readBigNumber()).toBe(42n);
    const echo = await client.runGetMethod(blockOf(1000), ACCOUNT, 'echo', STACK_SAMPLE);
    expect(echo.stack!.map(normalize)).toEqual(STACK_SAMPLE.map(normalize));
    const fail = await client.runGetMethod(blockOf(1000), ACCOUNT, 'nope');
    expect(fail).toMatchObject({ exitCode: 11, success: false });
    const noResult = await client.runGetMethod(
      blockOf(1000),
      ACCOUNT,
      'sum',
      STACK_SAMPLE.slice(0, 1).concat(STACK_SAMPLE[0]),
      {
        mode: 0,
      },
    );
    expect(noResult.stack).toBeNull();
  });

  it('getConfigParams returns a proof the params can be read from', async () => {
    const { client } = await connect();
    const info = await client.getConfigParams(blockOf(1000), [4]);
    const params = configParamsFromProof(info.config_proof, [4]);
    expect(params.get(4)?.beginParse().loadUintBig(256)).toBe(0xe56754f83426f69bn);
  });

  it('liteServer.error → LiteServerError; wrong constructor or wrong block → LiteError(bad-answer)', async () => {
    const { client } = await connect();
    await expect(
      client.query({ _: 'liteServer.getState', id: blockOf(1) }, 'liteServer.blockState'),
    ).rejects.toBeInstanceOf(LiteServerError);

    // A server that answers everything with a currentTime, and echoes a different block id.
    const { a, b } = createMemoryStreamPair();
    const keys = createFakeLiteServer().keys;
    serveAdnlTcp(
      b,
      keys,
      createLiteQueryHandler(async ({ fn }) =>
        fn._ === 'liteServer.getBlockHeader'
          ? { _: 'liteServer.blockHeader', id: blockOf(1), mode: 0, header_proof: new Uint8Array(0) }
          : { _: 'liteServer.currentTime', now: 1 },
      ),
    );
    const adnl = await AdnlTcpClient.connect(async () => a, keys.publicKey, { pingIntervalMs: 0 });
    cleanup.push(() => adnl.close());
    const liar = new LiteClient(adnl);
    const wrongType = await liar.getMasterchainInfo().catch((e: unknown) => e);
    expect(wrongType).toBeInstanceOf(LiteError);
    expect((wrongType as LiteError).kind).toBe('bad-answer');
    await expect(liar.getBlockHeader(blockOf(2))).rejects.toMatchObject({ kind: 'bad-answer' });
  });

  it('many concurrent queries on one connection', async () => {
    const { client } = await connect();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.runGetMethod(blockOf(1000), ACCOUNT, 'sum', [
          { type: 'int', value: BigInt(i) },
          { type: 'int', value: 1n },
        ]),
      ),
    );
    results.forEach((r, i) => expect(new TupleReader(r.stack!).readBigNumber()).toBe(BigInt(i + 1)));
  });

  it('raw query bytes: an unknown function gets a liteServer.error, not a dropped connection', async () => {
    const { client } = await connect();
    const answer = await client.transport.query(
      tlEncode({ _: 'liteServer.query', data: Uint8Array.of(1, 2, 3, 4) }),
      2000,
    );
    const error = (() => {
      try {
        decodeLiteAnswer(answer, 'liteServer.masterchainInfo');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LiteServerError);
    expect((error as LiteServerError).code).toBe(621);
    expect((await client.getMasterchainInfo()).last.seqno).toBe(1000);
  });
});

describe('the same liteserver end against ton-lite-client (third party, over TCP)', () => {
  it('gives ton-lite-client the same masterchain info, run-method results and account state as our client', async () => {
    const server = createFakeLiteServer(4242);
    const { port, tcp } = await listenFakeLiteServer(server);
    cleanup.push(() => tcp.close());
    const engine = new LiteSingleEngine({
      host: `tcp://127.0.0.1:${port}`,
      publicKey: Buffer.from(server.keys.publicKey),
    });
    cleanup.push(() => engine.close());
    await new Promise((resolve) => engine.once('ready', resolve));
    const theirs = new ThirdPartyLiteClient({ engine });
    const { client: ours } = await connect(server);

    const [tInfo, oInfo] = await Promise.all([theirs.getMasterchainInfo(), ours.getMasterchainInfo()]);
    expect(tInfo.last.seqno).toBe(oInfo.last.seqno);
    expect(new Uint8Array(tInfo.last.rootHash)).toEqual(oInfo.last.root_hash);
    expect(BigInt(tInfo.last.shard)).toBe(oInfo.last.shard);
    expect(new Uint8Array(tInfo.init.fileHash)).toEqual(oInfo.init.file_hash);
    expect(await theirs.getCurrentTime()).toBe(await ours.getTime());

    const block = tInfo.last;
    const tRun = await theirs.runMethod(ACCOUNT, 'echo', serializeTuple(STACK_SAMPLE).toBoc(), block);
    const oRun = await ours.runGetMethod(oInfo.last, ACCOUNT, 'echo', STACK_SAMPLE);
    expect(tRun.exitCode).toBe(oRun.exitCode);
    const tStack = parseTuple(Cell.fromBoc(Buffer.from(tRun.result!, 'base64'))[0]);
    expect(tStack.map(normalize)).toEqual(oRun.stack!.map(normalize));

    // account_none: ton-lite-client reads the state without needing a proof.
    const none = Address.parseRaw('0:' + '00'.repeat(32));
    const tAcc = await theirs.getAccountStateRaw(none, block);
    const oAcc = await ours.getAccountState(oInfo.last, none);
    expect(tAcc.state).toBeNull();
    expect(oAcc.account).toBeNull();
    expect(new Uint8Array(tAcc.raw)).toEqual(oAcc.raw.state);

    // liteServer.error reaches both as an error.
    await expect(
      theirs.lookupBlockByID({ workchain: -1, shard: '-9223372036854775808', seqno: 99999 }),
    ).rejects.toThrow(/block not found/);
  });
});
