/**
 * Lite client (DIGEST §3) over any ADNL query transport (an AdnlTcpClient in practice). Each method encodes one
 * lite_api function, wraps it in liteServer.query (with the optional waitMasterchainSeqno prefix), and checks the
 * answer's constructor (and, where the answer echoes it, the block id) before returning it.
 */
import type { Cell } from '@ton/core';
import type { Account } from '@ton/core';
import { AdnlTcpClient, type AdnlTcpClientOptions } from '../adnl/index.ts';
import type { TlCtor, TlObject } from '../tl/index.ts';
import type { StreamConnector } from '../transport/index.ts';
import { parseAccountState, toLiteAccountId, type AccountRef } from './account.ts';
import { LiteError } from './errors.ts';
import { getMethodId } from './method-id.ts';
import { decodeLiteAnswer, encodeLiteQuery } from './query.ts';
import { decodeVmStackBoc, encodeVmStackBoc, type VmStackValue } from './vm-stack.ts';

export type BlockIdExt = TlCtor<'tonNode.blockIdExt'>;
export type BlockId = TlCtor<'tonNode.blockId'>;
export type ZeroStateIdExt = TlCtor<'tonNode.zeroStateIdExt'>;
export type MasterchainInfo = TlCtor<'liteServer.masterchainInfo'>;
export type MasterchainInfoExt = TlCtor<'liteServer.masterchainInfoExt'>;
export type BlockHeader = TlCtor<'liteServer.blockHeader'>;
export type ConfigInfo = TlCtor<'liteServer.configInfo'>;
export type LiteVersion = TlCtor<'liteServer.version'>;

/** liteserver.cpp stops a block-proof chain at 16 links (`link_count() >= 16`). */
const MAX_BLOCK_PROOF_LINKS = 16;

/** Masterchain shard id (0x8000000000000000 as a signed long). */
export const MASTERCHAIN_SHARD = -(1n << 63n);

/** What the client needs from ADNL: one request/response exchange. AdnlTcpClient implements it. */
export interface LiteTransport {
  query(data: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  close?(): void;
}

export interface LiteCallOptions {
  /** Per-query timeout (default: the client's, 10 s). */
  timeoutMs?: number;
  /** Ask the server to wait until it has this masterchain seqno (liteServer.waitMasterchainSeqno prefix). */
  waitMasterchainSeqno?: number;
  /** Server-side wait limit for the prefix (default: the query timeout). */
  waitTimeoutMs?: number;
}

export interface AccountStateResult {
  /** The TL answer (block ids, proofs, raw state BoC). */
  raw: TlCtor<'liteServer.accountState'>;
  /** Parsed `Account`, or null for account_none / empty state. */
  account: Account | null;
  /** Root cell of the state BoC (null when empty). */
  root: Cell | null;
}

export interface RunMethodResult {
  raw: TlCtor<'liteServer.runMethodResult'>;
  exitCode: number;
  /** TVM exit codes 0 and 1 mean success. */
  success: boolean;
  /** Result stack (last element = top), or null when the mode did not ask for it (bit 2). */
  stack: VmStackValue[] | null;
}

export interface RunMethodOptions extends LiteCallOptions {
  /** runSmcMethod mode (default 4: result only, no proofs). */
  mode?: number;
}

export class LiteClient {
  readonly transport: LiteTransport;
  readonly defaultTimeoutMs: number;

  constructor(transport: LiteTransport, options: { timeoutMs?: number } = {}) {
    this.transport = transport;
    this.defaultTimeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Opens an AdnlTcpClient to one liteserver and wraps it. */
  static async connect(
    connector: StreamConnector,
    serverPublicKey: Uint8Array,
    options: AdnlTcpClientOptions & { timeoutMs?: number } = {},
  ): Promise<LiteClient> {
    const adnl = await AdnlTcpClient.connect(connector, serverPublicKey, options);
    return new LiteClient(adnl, options);
  }

  /** Sends any lite_api function and decodes the answer as `expected` (constructor or boxed type name). */
  async query<T>(fn: TlObject, expected: string, options: LiteCallOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const wait =
      options.waitMasterchainSeqno === undefined
        ? undefined
        : { seqno: options.waitMasterchainSeqno, timeoutMs: options.waitTimeoutMs ?? timeoutMs };
    const answer = await this.transport.query(encodeLiteQuery(fn, wait), timeoutMs);
    return decodeLiteAnswer<T>(answer, expected);
  }

  getMasterchainInfo(options?: LiteCallOptions): Promise<MasterchainInfo> {
    return this.query({ _: 'liteServer.getMasterchainInfo' }, 'liteServer.masterchainInfo', options);
  }

  getMasterchainInfoExt(mode = 0, options?: LiteCallOptions): Promise<MasterchainInfoExt> {
    return this.query(
      { _: 'liteServer.getMasterchainInfoExt', mode },
      'liteServer.masterchainInfoExt',
      options,
    );
  }

  /** Server's unix time. */
  async getTime(options?: LiteCallOptions): Promise<number> {
    const t = await this.query<TlCtor<'liteServer.currentTime'>>(
      { _: 'liteServer.getTime' },
      'liteServer.currentTime',
      options,
    );
    return t.now;
  }

  getVersion(options?: LiteCallOptions): Promise<LiteVersion> {
    return this.query({ _: 'liteServer.getVersion' }, 'liteServer.version', options);
  }

  async getBlockHeader(id: BlockIdExt, mode = 0, options?: LiteCallOptions): Promise<BlockHeader> {
    const header = await this.query<BlockHeader>(
      { _: 'liteServer.getBlockHeader', id: blockIdExt(id), mode },
      'liteServer.blockHeader',
      options,
    );
    expectSameBlock(header.id, id, 'blockHeader');
    return header;
  }

  /** Finds a block by seqno (default), or by logical time / unix time within the shard. */
  async lookupBlock(
    id: Omit<BlockId, '_'>,
    by: { lt?: bigint; utime?: number } = {},
    options?: LiteCallOptions,
  ): Promise<BlockHeader> {
    let mode = 1;
    const fn: TlObject = {
      _: 'liteServer.lookupBlock',
      mode: 0,
      id: { _: 'tonNode.blockId', ...pickBlockId(id) },
    };
    if (by.lt !== undefined) {
      mode = 2;
      fn.lt = by.lt;
    } else if (by.utime !== undefined) {
      mode = 4;
      fn.utime = by.utime;
    }
    fn.mode = mode;
    const header = await this.query<BlockHeader>(fn, 'liteServer.blockHeader', options);
    if (header.id.workchain !== id.workchain || header.id.shard !== id.shard) {
      throw new LiteError('bad-answer', 'lookupBlock answered a block of another shard');
    }
    if (mode === 1 && header.id.seqno !== id.seqno)
      throw new LiteError('bad-answer', 'lookupBlock: wrong seqno');
    return header;
  }

  async getAccountState(
    block: BlockIdExt,
    account: AccountRef,
    options?: LiteCallOptions,
  ): Promise<AccountStateResult> {
    const raw = await this.query<TlCtor<'liteServer.accountState'>>(
      { _: 'liteServer.getAccountState', id: blockIdExt(block), account: accountId(account) },
      'liteServer.accountState',
      options,
    );
    expectSameBlock(raw.id, block, 'accountState');
    const { account: parsed, root } = parseAccountState(raw.state);
    return { raw, account: parsed, root };
  }

  /** runSmcMethod with a numeric method id; `stack` in push order (last = top). */
  async runSmcMethod(
    block: BlockIdExt,
    account: AccountRef,
    methodId: number | bigint,
    stack: readonly VmStackValue[] = [],
    options: RunMethodOptions = {},
  ): Promise<RunMethodResult> {
    const mode = options.mode ?? 4;
    const raw = await this.query<TlCtor<'liteServer.runMethodResult'>>(
      {
        _: 'liteServer.runSmcMethod',
        mode,
        id: blockIdExt(block),
        account: accountId(account),
        method_id: BigInt(methodId),
        params: encodeVmStackBoc(stack),
      },
      'liteServer.runMethodResult',
      options,
    );
    expectSameBlock(raw.id, block, 'runMethodResult');
    const stackOut = raw.result !== undefined && raw.result.length > 0 ? decodeVmStackBoc(raw.result) : null;
    return {
      raw,
      exitCode: raw.exit_code,
      success: raw.exit_code === 0 || raw.exit_code === 1,
      stack: stackOut,
    };
  }

  /** runSmcMethod by get-method name (id = crc16 | 0x10000). */
  runGetMethod(
    block: BlockIdExt,
    account: AccountRef,
    method: string,
    stack: readonly VmStackValue[] = [],
    options?: RunMethodOptions,
  ): Promise<RunMethodResult> {
    return this.runSmcMethod(block, account, getMethodId(method), stack, options);
  }

  /** liteServer.getConfigParams: the answer carries a Merkle proof of the requested params (see config-proof.ts). */
  async getConfigParams(
    block: BlockIdExt,
    params: readonly number[],
    mode = 0,
    options?: LiteCallOptions,
  ): Promise<ConfigInfo> {
    for (const p of params) {
      if (!Number.isInteger(p) || p < -(2 ** 31) || p >= 2 ** 31)
        throw new LiteError('bad-argument', 'bad param id');
    }
    const info = await this.query<ConfigInfo>(
      { _: 'liteServer.getConfigParams', mode, id: blockIdExt(block), param_list: [...params] },
      'liteServer.configInfo',
      options,
    );
    // Mode bit 15 (0x8000) asks for the config of the latest key block, which may be another block.
    if ((mode & 0x8000) === 0) expectSameBlock(info.id, block, 'configInfo');
    return info;
  }

  /**
   * A chain of block links from `known` (a block the caller trusts) to `target`, or to the server's last block
   * without one (mode 0; PROOFS.md §2.2). At most 16 links an answer; `complete` false means ask again from `to`.
   * Only the shape is checked here (start block, link count); src/net/lite/proof verifies the links.
   */
  async getBlockProof(
    known: Omit<BlockIdExt, '_'>,
    target?: Omit<BlockIdExt, '_'>,
    options?: LiteCallOptions,
  ): Promise<TlCtor<'liteServer.partialBlockProof'>> {
    const fn: TlObject =
      target === undefined
        ? { _: 'liteServer.getBlockProof', mode: 0, known_block: blockIdExt(known) }
        : {
            _: 'liteServer.getBlockProof',
            mode: 1,
            known_block: blockIdExt(known),
            target_block: blockIdExt(target),
          };
    const proof = await this.query<TlCtor<'liteServer.partialBlockProof'>>(
      fn,
      'liteServer.partialBlockProof',
      options,
    );
    expectSameBlock(proof.from, known, 'partialBlockProof');
    if (proof.steps.length > MAX_BLOCK_PROOF_LINKS)
      throw new LiteError('bad-answer', `partialBlockProof with ${proof.steps.length} links`);
    if (!proof.complete && proof.steps.length === 0)
      throw new LiteError('bad-answer', 'incomplete partialBlockProof without links');
    return proof;
  }

  close(): void {
    this.transport.close?.();
  }
}

/** Normalizes a block id (accepts objects without `_`). */
export function blockIdExt(id: Omit<BlockIdExt, '_'>): BlockIdExt {
  return {
    _: 'tonNode.blockIdExt',
    workchain: id.workchain,
    shard: id.shard,
    seqno: id.seqno,
    root_hash: id.root_hash,
    file_hash: id.file_hash,
  };
}

function pickBlockId(id: Omit<BlockId, '_'>): Omit<BlockId, '_'> {
  return { workchain: id.workchain, shard: id.shard, seqno: id.seqno };
}

function accountId(account: AccountRef): TlObject {
  const a = toLiteAccountId(account);
  return { _: 'liteServer.accountId', workchain: a.workchain, id: a.id };
}

/** True if two block ids name the same block (all five fields). */
export function sameBlockId(a: Omit<BlockIdExt, '_'>, b: Omit<BlockIdExt, '_'>): boolean {
  return (
    a.workchain === b.workchain &&
    // TL's shard is a signed long, block.tlb's an unsigned 64-bit id: the same shard either way
    BigInt.asUintN(64, a.shard) === BigInt.asUintN(64, b.shard) &&
    a.seqno === b.seqno &&
    equalBytes(a.root_hash, b.root_hash) &&
    equalBytes(a.file_hash, b.file_hash)
  );
}

function expectSameBlock(got: BlockIdExt, want: Omit<BlockIdExt, '_'>, what: string): void {
  if (!sameBlockId(got, want))
    throw new LiteError('bad-answer', `${what} is for another block than requested`);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
