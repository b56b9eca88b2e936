/**
 * The extension's AnchorStore (src/net/lite/proof/anchors.ts): the newest key block the block-proof chain of each
 * network reached, in IndexedDB, so a restarted service worker syncs from there instead of the compiled-in or
 * config anchor (tonlib keeps `last_key_block_id` the same way). Keyed by the network's zero-state file hash,
 * at most 32 networks. What is read back is shape-checked (IndexedDB contents are not trusted blindly), and an
 * entry never steps back to an older key block.
 */
import { masterchainBlockId, type AnchorStore, type BlockIdExt } from '../net/lite/index.ts';
import { IdbExpiringStore } from './expiring-store.ts';

interface AnchorEntry {
  seqno: number;
  rootHash: Uint8Array;
  fileHash: Uint8Array;
  /** Unused as a deadline (a verified key block stays a valid start); it orders eviction by age. */
  expiresAt: number;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

function isEntry(e: AnchorEntry): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    Number.isInteger(e.seqno) &&
    e.seqno >= 0 &&
    e.seqno <= 0xffffffff &&
    e.rootHash instanceof Uint8Array &&
    e.rootHash.length === 32 &&
    e.fileHash instanceof Uint8Array &&
    e.fileHash.length === 32
  );
}

let shared: IdbExpiringStore<AnchorEntry> | null = null;

function store(): IdbExpiringStore<AnchorEntry> {
  shared ??= new IdbExpiringStore<AnchorEntry>({
    dbName: 'tonsite-anchors',
    storeName: 'key-blocks',
    maxEntries: 32,
    now: Date.now,
    isLive: (e, now) => isEntry(e) && typeof e.expiresAt === 'number' && e.expiresAt > now,
    expiredAtNow: true,
  });
  return shared;
}

export class IdbAnchorStore implements AnchorStore {
  readonly #key: string;

  constructor(zeroState: BlockIdExt) {
    this.#key = btoa(String.fromCharCode(...zeroState.file_hash));
  }

  async load(): Promise<BlockIdExt | null> {
    const e = await store().get(this.#key);
    if (!e) return null;
    return masterchainBlockId(e.seqno, new Uint8Array(e.rootHash), new Uint8Array(e.fileHash));
  }

  async save(id: BlockIdExt): Promise<void> {
    const previous = await store().get(this.#key);
    if (previous && previous.seqno > id.seqno) return;
    await store().set(this.#key, {
      seqno: id.seqno,
      rootHash: new Uint8Array(id.root_hash),
      fileHash: new Uint8Array(id.file_hash),
      expiresAt: Date.now() + YEAR_MS,
    });
  }
}
