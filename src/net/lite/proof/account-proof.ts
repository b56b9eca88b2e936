/**
 * Account-state proofs (PROOFS.md §3): a liteServer.accountState answer checked against a trusted masterchain
 * block, following ton crypto/block/check-proof.cpp `AccountState::validate`, `check_shard_proof` and
 * `check_account_proof` (tonutils-go ton/proof.go `CheckAccountStateProof` does the same walk, with a weaker shard
 * check):
 *   1. `id` is the trusted block; `shardblk` is a valid block whose shard contains the account (`shard_contains`);
 *   2. masterchain account: `shardblk == id` and `shard_proof` is ignored; otherwise `shard_proof` shows `shardblk`
 *      as its shard's top block in the masterchain state (shard-proof.ts);
 *   3. `proof` (two roots): a header proof of `shardblk` (its state hash) and a proof of that state, in which
 *      `accounts` (HashmapAugE 256 ShardAccount DepthBalanceInfo; a leaf is `extra` then `value`) is looked up;
 *   4. found: `state` is the Account cell whose hash(0) equals `ShardAccount.account`'s; not found (the path ends
 *      elsewhere): `state` must be empty — the account is proven absent. A path into a pruned branch proves
 *      nothing: ProofError('pruned'), never "absent".
 */
import { loadAccount, type Cell } from '@ton/core';
import { cellFromBoc } from '../boc.ts';
import { MASTERCHAIN_SHARD, sameBlockId, type BlockIdExt } from '../client.ts';
import { toLiteAccountId, type AccountRef } from '../account.ts';
import { checkBlockHeaderProof, describeId, unsignedShard, type ProvenBlockHeader } from './block-header.ts';
import { checkBocFraming } from './canonical-boc.ts';
import { ProofError } from './errors.ts';
import { openMerkleProof, parsing, proofRoots, readable, sameBytes } from './merkle.ts';
import { checkShardProof, shardContains, type ShardDescrFacts } from './shard-proof.ts';
import { provenDictLookup, readShardState } from './shard-state.ts';

type Id = Omit<BlockIdExt, '_'>;

/** The fields of liteServer.accountState that are checked (what LiteClient.getAccountState returns as `raw`). */
export interface AccountStateAnswer {
  id: Id;
  shardblk: Id;
  shard_proof: Uint8Array;
  proof: Uint8Array;
  state: Uint8Array;
}

export type ProvenAccountStorage =
  | { status: 'active'; code: Cell | null; data: Cell | null; codeHash: Uint8Array | null }
  | { status: 'uninit' }
  | { status: 'frozen'; stateHash: Uint8Array };

interface ProvenCommon {
  /** The shard block whose state was read (== the trusted block for masterchain accounts). */
  shardBlock: Id;
  shardHeader: ProvenBlockHeader;
  /** The masterchain's descriptor of the shard block (basechain accounts only). */
  shardDescr: ShardDescrFacts | null;
}

export type ProvenAccountState =
  | (ProvenCommon & { kind: 'absent' })
  | (ProvenCommon & {
      kind: 'present';
      /** The Account cell (hash-checked against the proven ShardAccount). */
      account: Cell;
      storage: ProvenAccountStorage;
      /** Balance in nanotons. */
      balance: bigint;
      /** `storage.last_trans_lt` of the Account. */
      lastTransLt: bigint;
      /** From the proven ShardAccount. */
      lastTransHash: Uint8Array;
      shardAccountLastTransLt: bigint;
    });

function bigFromBytes(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function bytesFromBig(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** The trusted block's id: a TrustedBlock's `id` or a bare id. */
export type TrustedId = Id | { id: Id };

function idOf(trusted: TrustedId): Id {
  return 'id' in trusted && typeof trusted.id === 'object' ? trusted.id : (trusted as Id);
}

/**
 * Verifies `answer` for `account` against the trusted masterchain block. Throws ProofError (code names the failed
 * check); never returns an unproven state.
 */
export function checkAccountState(
  answer: AccountStateAnswer,
  trusted: TrustedId,
  account: AccountRef,
): ProvenAccountState {
  const mc = idOf(trusted);
  const acc = toLiteAccountId(account);
  const shardblk = answer.shardblk;
  if (!sameBlockId(answer.id, mc))
    throw new ProofError(
      'block-header',
      `account state is for ${describeId(answer.id)}, not the trusted ${describeId(mc)}`,
    );
  if (mc.workchain !== -1 || unsignedShard(mc.shard) !== unsignedShard(MASTERCHAIN_SHARD))
    throw new ProofError('block-header', `reference block ${describeId(mc)} is not a masterchain block`);
  // AccountState::validate: the shard block must be able to contain the account.
  if (shardblk.workchain !== acc.workchain || !shardContains(shardblk.shard, acc.id))
    throw new ProofError(
      'shard',
      `shard block ${describeId(shardblk)} cannot contain account ${acc.workchain}:…`,
    );

  let shardDescr: ShardDescrFacts | null = null;
  if (acc.workchain === -1) {
    // check_shard_proof: blk == shard_blk needs no shard proof (and a masterchain account has no other block).
    if (!sameBlockId(shardblk, mc))
      throw new ProofError(
        'shard',
        `masterchain account read at ${describeId(shardblk)}, not the trusted block`,
      );
  } else {
    shardDescr = checkShardProof(mc, shardblk, answer.shard_proof).descr;
  }

  // check_account_proof
  const [headerRoot, stateRoot] = proofRoots(answer.proof, 2, 'account proof');
  const shardHeader = checkBlockHeaderProof(headerRoot, shardblk, 'account proof: shard block');
  const state = openMerkleProof(stateRoot, shardHeader.stateHash, 'account proof: shard state');
  const { accounts } = readShardState(state, 'account proof: shard state');
  const common: ProvenCommon = { shardBlock: shardblk, shardHeader, shardDescr };

  const found = parsing('account proof: accounts', () => {
    // ShardAccounts = HashmapAugE 256 ShardAccount DepthBalanceInfo: ahme_empty$0 / ahme_root$1 root:^… extra
    const s = readable(accounts, 'account proof: accounts').beginParse();
    if (!s.loadBit()) return null;
    const leaf = provenDictLookup(s.loadRef(), 256, bigFromBytes(acc.id), 'account proof: accounts');
    if (!leaf) return null;
    // extra:DepthBalanceInfo = split_depth:(#<= 30) balance:CurrencyCollection
    leaf.skip(5);
    leaf.loadCoins();
    leaf.loadMaybeRef();
    // value:ShardAccount = account:^Account last_trans_hash:bits256 last_trans_lt:uint64
    const ref = leaf.loadRef();
    return {
      accountHash: new Uint8Array(ref.hash(0)),
      lastTransHash: new Uint8Array(leaf.loadBuffer(32)),
      lastTransLt: leaf.loadUintBig(64),
    };
  });

  if (!found) {
    if (answer.state.length !== 0)
      throw new ProofError('account', 'the proof shows the account absent, but the answer carries a state');
    return { ...common, kind: 'absent' };
  }
  if (answer.state.length === 0)
    throw new ProofError('account', 'the proof shows the account present, but the answer carries no state');
  let root: Cell;
  checkBocFraming(answer.state, 'account state');
  try {
    root = cellFromBoc(answer.state, 'account state');
  } catch (error) {
    throw new ProofError('account', (error as Error).message, { cause: error });
  }
  if (!sameBytes(root.hash(0), found.accountHash))
    throw new ProofError('account', 'the account state does not hash to the proven ShardAccount.account');
  return parsing('account state', () => {
    const cs = readable(root, 'account state').beginParse();
    // account_none$0: nothing there (an account cell the dictionary should not hold; treated as absent).
    if (!cs.loadBit()) return { ...common, kind: 'absent' as const };
    const parsed = loadAccount(cs);
    const st = parsed.storage.state;
    let storage: ProvenAccountStorage;
    if (st.type === 'active') {
      const code = st.state.code ?? null;
      storage = {
        status: 'active',
        code,
        data: st.state.data ?? null,
        codeHash: code ? new Uint8Array(code.hash(0)) : null,
      };
    } else if (st.type === 'frozen') {
      storage = { status: 'frozen', stateHash: bytesFromBig(st.stateHash) };
    } else {
      storage = { status: 'uninit' };
    }
    return {
      ...common,
      kind: 'present' as const,
      account: root,
      storage,
      balance: parsed.storage.balance.coins,
      lastTransLt: parsed.storage.lastTransLt,
      lastTransHash: found.lastTransHash,
      shardAccountLastTransLt: found.lastTransLt,
    };
  });
}
