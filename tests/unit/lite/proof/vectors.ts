/** The mainnet proof vectors of ../shared/spec/vectors (see SOURCES.md there), as test inputs. */
import { readFileSync } from 'node:fs';
import type { AccountStateAnswer } from '../../../../src/net/lite/proof/index.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON vectors, read field by field
type Json = Record<string, any>;

const dir = new URL('../../../../../shared/spec/vectors/', import.meta.url);
const read = (name: string) => JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as Json;

export const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
export const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface VectorId {
  workchain: number;
  shard: string;
  seqno: number;
  rootHash: string;
  fileHash: string;
}

const idOf = (v: VectorId) => ({
  workchain: v.workchain,
  shard: BigInt.asIntN(64, BigInt('0x' + v.shard)),
  seqno: v.seqno,
  root_hash: hex(v.rootHash),
  file_hash: hex(v.fileHash),
});

/** proof_getAccountState_basechain_mainnet_48996197.json: the answer and what it must prove. */
export function basechainVector() {
  const v = read('proof_getAccountState_basechain_mainnet_48996197.json');
  const answer: AccountStateAnswer = {
    id: idOf(v.answer.id),
    shardblk: idOf(v.answer.shardblk),
    shard_proof: hex(v.answer.shard_proof_boc_hex),
    proof: hex(v.answer.proof_boc_hex),
    state: hex(v.answer.state_boc_hex),
  };
  return {
    trusted: idOf(v.request.id),
    account: { workchain: v.request.account.workchain as number, id: hex(v.request.account.id) },
    answer,
    expected: v.expected,
  };
}

/** liteserver_proofs_mainnet_block_31220993.json (ton-docs proofs.mdx): a getAccountState answer in parts. */
export function docsVector() {
  const v = read('liteserver_proofs_mainnet_block_31220993.json');
  const item = (what: string) =>
    (v.items as { what: string; boc: string }[]).find((i) => i.what.startsWith(what))!;
  const id = (b: Json) => ({
    workchain: b.workchain as number,
    shard: BigInt(b.shard),
    seqno: b.seqno as number,
    root_hash: hex(b.root_hash),
    file_hash: hex(b.file_hash),
  });
  return {
    mc: id(v.mc_block),
    shard: id(v.shard_block),
    headerProof: hex(item('liteServer.getBlockHeader').boc),
    shardProof: hex(item('liteServer.getShardInfo shard_proof').boc),
    accountProof: hex(item('liteServer.getAccountState proof').boc),
    state: hex(item('liteServer.getAccountState state').boc),
    accountStateHash: (v.items as { what: string; roots: { hash0: string }[] }[]).find((i) =>
      i.what.startsWith('liteServer.getAccountState state'),
    )!.roots[0].hash0,
    params: v.config_params_from_doc as Record<string, string>,
  };
}
