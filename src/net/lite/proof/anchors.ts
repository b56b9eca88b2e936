/**
 * Where trust in the masterchain starts (PROOFS.md §2.1, §2.5): the newest of the global config's `init_block`
 * (replaced by a hardfork of higher seqno, ton tonlib/tonlib/Config.cpp l.84-97; the zero state when there is
 * neither), a key block compiled into the release for a known network (tonlib embeds a config for the same
 * reason: a cold sync from a years-old init_block costs ~10³ forward links), and the last key block this client
 * verified (an `AnchorStore`, one per network).
 */
import { LiteError } from '../errors.ts';
import type { BlockIdExt } from '../client.ts';
import type { TrustAnchorRef } from './trusted-block.ts';

/** Persists the newest verified key block of one network (IndexedDB in the extension, a file for the CLI). */
export interface AnchorStore {
  load(): Promise<BlockIdExt | null>;
  save(id: BlockIdExt): Promise<void>;
}

export class MemoryAnchorStore implements AnchorStore {
  private id: BlockIdExt | null;
  constructor(initial: BlockIdExt | null = null) {
    this.id = initial;
  }
  load(): Promise<BlockIdExt | null> {
    return Promise.resolve(this.id);
  }
  save(id: BlockIdExt): Promise<void> {
    this.id = id;
    return Promise.resolve();
  }
}

const MC_SHARD = -(1n << 63n);

function hashFromBase64(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function hashFromHex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** A masterchain block id from its seqno and hashes (anchors, and the hosts' AnchorStores reading theirs back). */
export function masterchainBlockId(seqno: number, rootHash: Uint8Array, fileHash: Uint8Array): BlockIdExt {
  return {
    _: 'tonNode.blockIdExt',
    workchain: -1,
    shard: MC_SHARD,
    seqno,
    root_hash: rootHash,
    file_hash: fileHash,
  };
}

/**
 * Key blocks compiled into this release, by zero-state file hash (base64, as in the global config). Mainnet: the
 * newest key block whose id our sources hold, 95424597 (2026-09-28 recording; vector
 * proof_liteserver_recorded_mainnet_20260928_metadata.json, "K_prev_key_block_of_B"). Never fetched at run time.
 */
export const COMPILED_IN_KEY_BLOCKS: ReadonlyMap<string, BlockIdExt> = new Map([
  [
    'XplPz01CXAps5qeSWUtxcyBfdAo5zVb1N979KLSKD24=',
    masterchainBlockId(
      95424597,
      hashFromHex('46e2543fe316a998857f006c994044136454e44831c8274e6876c165cb9cde3e'),
      hashFromHex('26d2cd172102794193e03dcb0299ccc02386151575a0c65a0523b50c32418f43'),
    ),
  ],
]);

/** The trust-relevant part of a global config's `validator` section. */
export interface ConfigAnchors {
  zeroState: BlockIdExt;
  initBlock: BlockIdExt | null;
  hardforks: BlockIdExt[];
}

function configBlock(value: unknown, what: string): BlockIdExt {
  const v = value as Record<string, unknown> | null;
  const bad = () => new LiteError('bad-argument', `global config: ${what} is not a masterchain block id`);
  if (typeof v !== 'object' || v === null) throw bad();
  const { workchain, shard, seqno, root_hash: root, file_hash: file } = v;
  if (
    workchain !== -1 ||
    typeof seqno !== 'number' ||
    !Number.isInteger(seqno) ||
    seqno < 0 ||
    seqno > 0xffffffff
  )
    throw bad();
  if (shard !== undefined && BigInt.asUintN(64, BigInt(shard as number)) !== 1n << 63n) throw bad();
  if (typeof root !== 'string' || typeof file !== 'string') throw bad();
  let rootHash: Uint8Array;
  let fileHash: Uint8Array;
  try {
    rootHash = hashFromBase64(root);
    fileHash = hashFromBase64(file);
  } catch {
    throw bad();
  }
  if (rootHash.length !== 32 || fileHash.length !== 32) throw bad();
  return masterchainBlockId(seqno, rootHash, fileHash);
}

/** Reads `zero_state`, `init_block` and `hardforks` of a global config's `validator` section. */
export function configAnchors(validator: unknown): ConfigAnchors {
  const v = validator as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null)
    throw new LiteError('bad-argument', 'global config has no validator section');
  const hardforks = v.hardforks === undefined ? [] : v.hardforks;
  if (!Array.isArray(hardforks) || hardforks.length > 1000)
    throw new LiteError('bad-argument', 'global config: hardforks is not a list');
  return {
    zeroState: configBlock(v.zero_state, 'zero_state'),
    initBlock: v.init_block === undefined ? null : configBlock(v.init_block, 'init_block'),
    hardforks: hardforks.map((h, i) => configBlock(h, `hardforks[${i}]`)),
  };
}

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Every starting point the config, the release and the store offer, newest (highest seqno) first. tonlib's rule:
 * the config's start is `init_block`, or the newest hardfork when that one is higher, or the zero state.
 */
export function anchorCandidates(config: ConfigAnchors, stored: BlockIdExt | null): TrustAnchorRef[] {
  let start: TrustAnchorRef = config.initBlock
    ? { source: 'config init_block', id: config.initBlock }
    : { source: 'config zero_state', id: config.zeroState };
  for (const fork of config.hardforks)
    if (fork.seqno > start.id.seqno) start = { source: 'config hardfork', id: fork };
  const out: TrustAnchorRef[] = [start];
  const compiled = COMPILED_IN_KEY_BLOCKS.get(base64(config.zeroState.file_hash));
  if (compiled) out.push({ source: 'compiled-in key block', id: compiled });
  if (stored) out.push({ source: 'last verified key block', id: stored });
  return out.sort((a, b) => b.id.seqno - a.id.seqno);
}
