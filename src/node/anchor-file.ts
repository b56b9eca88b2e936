/**
 * The CLI's AnchorStore: the newest key block each network's proofs reached, kept in one small JSON file so the
 * next run starts its block-proof chain there instead of at the compiled-in or config anchor (tonlib keeps
 * `last_key_block_id` the same way, LastBlockStorage). Keyed by the network's zero-state file hash; at most
 * MAX_NETWORKS entries (devnets come and go), the least recently saved dropped first. Written to a temporary file
 * and renamed, so a crash never leaves half a file; a file that does not parse is treated as empty.
 *
 * Where: $TONSITE_STATE_DIR, else $XDG_STATE_HOME/tonsite, else ~/.local/state/tonsite.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { masterchainBlockId, type AnchorStore, type BlockIdExt } from '../net/lite/index.ts';

const MAX_NETWORKS = 32;
const FILE = 'anchors.json';

interface Entry {
  seqno: number;
  rootHash: string;
  fileHash: string;
  savedAt: number;
}

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TONSITE_STATE_DIR) return env.TONSITE_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'tonsite');
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function parseEntry(value: unknown): Entry | null {
  const e = value as Partial<Entry> | null;
  if (typeof e !== 'object' || e === null) return null;
  if (typeof e.seqno !== 'number' || !Number.isInteger(e.seqno) || e.seqno < 0 || e.seqno > 0xffffffff)
    return null;
  if (typeof e.rootHash !== 'string' || typeof e.fileHash !== 'string') return null;
  if (Buffer.from(e.rootHash, 'base64').length !== 32 || Buffer.from(e.fileHash, 'base64').length !== 32)
    return null;
  return { seqno: e.seqno, rootHash: e.rootHash, fileHash: e.fileHash, savedAt: Number(e.savedAt) || 0 };
}

export class FileAnchorStore implements AnchorStore {
  readonly path: string;
  readonly #key: string;
  readonly #dir: string;

  constructor(zeroState: BlockIdExt, dir = stateDir()) {
    this.#dir = dir;
    this.path = join(dir, FILE);
    this.#key = b64(zeroState.file_hash);
  }

  async #readAll(): Promise<Record<string, unknown>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.path, 'utf8'));
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    } catch {
      return {};
    }
  }

  async load(): Promise<BlockIdExt | null> {
    const entry = parseEntry((await this.#readAll())[this.#key]);
    if (!entry) return null;
    return masterchainBlockId(
      entry.seqno,
      new Uint8Array(Buffer.from(entry.rootHash, 'base64')),
      new Uint8Array(Buffer.from(entry.fileHash, 'base64')),
    );
  }

  async save(id: BlockIdExt): Promise<void> {
    const all = await this.#readAll();
    const entries = new Map<string, Entry>();
    for (const [k, v] of Object.entries(all)) {
      const e = parseEntry(v);
      if (e) entries.set(k, e);
    }
    const previous = entries.get(this.#key);
    if (previous && previous.seqno > id.seqno) return; // never step back
    entries.delete(this.#key);
    const entry: Entry = {
      seqno: id.seqno,
      rootHash: b64(id.root_hash),
      fileHash: b64(id.file_hash),
      savedAt: Date.now(),
    };
    // this network first, then the most recently saved others (ties in savedAt cannot drop this one)
    const others = [...entries].sort((a, b) => b[1].savedAt - a[1].savedAt).slice(0, MAX_NETWORKS - 1);
    const kept: [string, Entry][] = [[this.#key, entry], ...others];
    try {
      await mkdir(this.#dir, { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(Object.fromEntries(kept), null, 1));
      await rename(tmp, this.path);
    } catch {
      // A read-only home: the next run starts from the compiled-in or config anchor again, nothing worse.
    }
  }
}
