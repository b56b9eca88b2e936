/**
 * Test fixture: small liteservers built from OUR server end (serveAdnlTcp + createLiteQueryHandler) over
 * in-memory streams or TCP, serving a fake masterchain whose seqno the test controls. Not a test file.
 */
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import {
  Cell,
  Dictionary,
  beginCell,
  convertToMerkleProof,
  generateMerkleProof,
  type TupleItem,
} from '@ton/core';
import { generateKeyPair, type KeyPair } from '../../../src/net/crypto/index.ts';
import {
  createMemoryStreamPair,
  type ByteStream,
  type StreamConnector,
} from '../../../src/net/transport/index.ts';
import { serveAdnlTcp, type AdnlTcpServerSession } from '../../../src/net/adnl/index.ts';
import {
  LiteErrorCode,
  LiteServerError,
  cellToBoc,
  createLiteQueryHandler,
  decodeVmStackBoc,
  encodeVmStackBoc,
  getMethodId,
  MASTERCHAIN_SHARD,
  type BlockIdExt,
  type ParsedLiteQuery,
} from '../../../src/net/lite/index.ts';
import type { TlObject } from '../../../src/net/tl/index.ts';
import { socketByteStream } from '../../../src/node/tcp-stream.ts';

export const ZERO_STATE = {
  _: 'tonNode.zeroStateIdExt',
  workchain: -1,
  root_hash: new Uint8Array(32).fill(0x17),
  file_hash: new Uint8Array(32).fill(0x5e),
};

export function blockOf(seqno: number): BlockIdExt {
  const h = (x: number) => Uint8Array.from({ length: 32 }, (_, i) => (seqno * 7 + i * 13 + x) & 0xff);
  return {
    _: 'tonNode.blockIdExt',
    workchain: -1,
    shard: MASTERCHAIN_SHARD,
    seqno,
    root_hash: h(1),
    file_hash: h(2),
  };
}

/** The account state every fake server holds (ids starting with 0x00 are account_none). */
export const ACCOUNT_STATE_BOC = Uint8Array.from(
  Buffer.from(
    // From ../shared/spec/vectors/liteserver_accountState_example.json (a real mainnet account).
    JSON.parse(
      readFileSync(
        new URL('../../../../shared/spec/vectors/liteserver_accountState_example.json', import.meta.url),
        'utf8',
      ),
    ).state_boc,
    'hex',
  ),
);

/** ConfigParam cells served by getConfigParams (4 = root DNS address, as on mainnet). */
export const CONFIG_PARAMS = new Map<number, Cell>([
  [0, beginCell().storeUint(0x5555, 256).endCell()],
  [4, beginCell().storeUint(0xe56754f83426f69bn, 256).endCell()],
  [8, beginCell().storeUint(0xc4, 8).storeUint(12, 32).storeUint(455, 64).endCell()],
  [34, beginCell().storeUint(0x12, 8).endCell()],
]);

/** A masterchain state proof like C++ getConfigParams returns: MerkleProof(ShardStateUnsplit) with the config
 * dictionary pruned (by @ton/core's generateMerkleProof) to the requested keys. */
export function buildConfigProof(params: number[]): Uint8Array {
  const dict = Dictionary.empty(Dictionary.Keys.Uint(32), Dictionary.Values.Cell());
  for (const [k, v] of CONFIG_PARAMS) dict.set(k, v);
  const wanted = params.filter((p) => CONFIG_PARAMS.has(p));
  const dictRoot =
    wanted.length > 0
      ? generateMerkleProof(dict, wanted, Dictionary.Keys.Uint(32)).refs[0]
      : beginCell().storeDictDirect(dict).endCell();
  const extra = beginCell()
    .storeUint(0xcc26, 16)
    .storeBit(0) // shard_hashes: empty
    .storeUint(0xaa, 256) // config_addr
    .storeRef(dictRoot)
    .storeRef(beginCell().storeUint(0, 8).endCell())
    .endCell();
  const pruned = (n: number) => beginCell().storeUint(n, 16).endCell();
  const state = beginCell()
    .storeUint(0x9023afe2, 32)
    .storeInt(-239, 32)
    .storeUint(0, 2)
    .storeUint(0, 6)
    .storeInt(-1, 32)
    .storeUint(1n << 63n, 64)
    .storeUint(100, 32)
    .storeUint(0, 32)
    .storeUint(1_700_000_000, 32)
    .storeUint(1000n, 64)
    .storeUint(100, 32)
    .storeRef(pruned(1))
    .storeBit(0)
    .storeRef(pruned(2))
    .storeRef(pruned(3))
    .storeBit(1)
    .storeRef(extra)
    .endCell();
  return cellToBoc(convertToMerkleProof(state));
}

export interface FakeLiteServer {
  keys: KeyPair;
  /** Current masterchain seqno (tests move it). */
  seqno: number;
  /** Delay before each answer (ms); Infinity = never answer. */
  delayMs: number;
  /** While true, new connections are refused. */
  down: boolean;
  /** Queries received, by function name. */
  calls: string[];
  /** waitMasterchainSeqno prefixes received. */
  waits: ParsedLiteQuery['wait'][];
  sessions: AdnlTcpServerSession[];
  connector: StreamConnector;
  /** Drops every open connection (like a crash). */
  kill(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createFakeLiteServer(seqno = 1000): FakeLiteServer {
  const server: FakeLiteServer = {
    keys: generateKeyPair(),
    seqno,
    delayMs: 0,
    down: false,
    calls: [],
    waits: [],
    sessions: [],
    connector: async () => {
      if (server.down) throw new Error('connection refused');
      const { a, b } = createMemoryStreamPair();
      attachFakeLiteServer(server, b);
      return a;
    },
    kill() {
      for (const s of server.sessions.splice(0)) s.close();
    },
  };
  return server;
}

/** Serves one stream with the fake server's handler. */
export function attachFakeLiteServer(server: FakeLiteServer, stream: ByteStream): void {
  server.sessions.push(
    serveAdnlTcp(
      stream,
      server.keys,
      createLiteQueryHandler(async (request) => {
        server.calls.push(request.fn._);
        server.waits.push(request.wait);
        if (server.delayMs === Infinity) await new Promise(() => {});
        if (server.delayMs > 0) await sleep(server.delayMs);
        return answer(server, request.fn);
      }),
    ),
  );
}

function answer(server: FakeLiteServer, fn: TlObject): TlObject {
  const last = blockOf(server.seqno);
  switch (fn._) {
    case 'liteServer.getMasterchainInfo':
      return {
        _: 'liteServer.masterchainInfo',
        last,
        state_root_hash: new Uint8Array(32).fill(9),
        init: ZERO_STATE,
      };
    case 'liteServer.getMasterchainInfoExt':
      return {
        _: 'liteServer.masterchainInfoExt',
        mode: 0,
        version: 0x101,
        capabilities: 7n,
        last,
        last_utime: 1_700_000_000,
        now: 1_700_000_005,
        state_root_hash: new Uint8Array(32).fill(9),
        init: ZERO_STATE,
      };
    case 'liteServer.getTime':
      return { _: 'liteServer.currentTime', now: 1_700_000_005 };
    case 'liteServer.getVersion':
      return { _: 'liteServer.version', mode: 0, version: 0x101, capabilities: 7n, now: 1_700_000_005 };
    case 'liteServer.getBlockHeader': {
      const id = fn.id as BlockIdExt;
      return {
        _: 'liteServer.blockHeader',
        id,
        mode: fn.mode as number,
        header_proof: Uint8Array.of(1, 2, 3),
      };
    }
    case 'liteServer.lookupBlock': {
      const id = fn.id as { seqno: number };
      if (id.seqno > server.seqno) throw new LiteServerError(LiteErrorCode.NOT_READY, 'block not found');
      return { _: 'liteServer.blockHeader', id: blockOf(id.seqno), mode: 0, header_proof: new Uint8Array(0) };
    }
    case 'liteServer.getAccountState': {
      const id = fn.id as BlockIdExt;
      const acc = fn.account as { id: Uint8Array };
      const missing = acc.id[0] === 0;
      return {
        _: 'liteServer.accountState',
        id,
        shardblk: blockOf(server.seqno),
        shard_proof: new Uint8Array(0),
        proof: new Uint8Array(0),
        state: missing ? cellToBoc(beginCell().storeBit(0).endCell()) : ACCOUNT_STATE_BOC,
      };
    }
    case 'liteServer.runSmcMethod': {
      const id = fn.id as BlockIdExt;
      const params = decodeVmStackBoc(fn.params as Uint8Array);
      const methodId = Number(fn.method_id as bigint);
      let exitCode = 0;
      let stack: TupleItem[] = [];
      if (methodId === getMethodId('sum')) {
        const [a, b] = params;
        stack = [{ type: 'int', value: (a as { value: bigint }).value + (b as { value: bigint }).value }];
      } else if (methodId === getMethodId('echo')) {
        stack = params;
      } else if (methodId === getMethodId('seqno')) {
        stack = [{ type: 'int', value: BigInt(server.seqno) }];
      } else {
        exitCode = 11;
      }
      const mode = fn.mode as number;
      return {
        _: 'liteServer.runMethodResult',
        mode,
        id,
        shardblk: blockOf(server.seqno),
        exit_code: exitCode,
        ...(mode & 4 ? { result: encodeVmStackBoc(stack) } : {}),
        ...(mode & 1 ? { shard_proof: new Uint8Array(0), proof: new Uint8Array(0) } : {}),
      };
    }
    case 'liteServer.getConfigParams': {
      const ids = fn.param_list as number[];
      return {
        _: 'liteServer.configInfo',
        mode: fn.mode as number,
        id: fn.id as BlockIdExt,
        state_proof: new Uint8Array(0),
        config_proof: buildConfigProof(ids),
      };
    }
    default:
      throw new LiteServerError(LiteErrorCode.PROTOVIOLATION, `unsupported ${fn._}`);
  }
}

/** The same fake server on a real TCP port (for third-party clients). */
export async function listenFakeLiteServer(server: FakeLiteServer): Promise<{ port: number; tcp: Server }> {
  const tcp = createServer((socket) => attachFakeLiteServer(server, socketByteStream(socket)));
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  return { port: (tcp.address() as AddressInfo).port, tcp };
}

export const STACK_SAMPLE: TupleItem[] = [
  { type: 'int', value: 5n },
  { type: 'int', value: -(1n << 200n) },
  { type: 'null' },
  { type: 'cell', cell: beginCell().storeUint(0xabc, 12).endCell() },
  { type: 'slice', cell: beginCell().storeStringTail('alice').endCell() },
  { type: 'tuple', items: [{ type: 'int', value: 1n }, { type: 'nan' }, { type: 'tuple', items: [] }] },
];
