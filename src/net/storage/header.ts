/**
 * The torrent header (DIGEST §10.1; C++ TorrentHeader::store/parse, td::TlStorer style, little-endian, no padding):
 *   magic 0x9128aab7 u32 | files_count u32 | tot_name_size u64 | tot_data_size u64 | fec_info_none 0xc82a1964 u32 |
 *   dir_name_size u32 | dir_name | name_index u64[files_count] | data_index u64[files_count] | names
 * name_index/data_index are cumulative END offsets into `names` / the data area that follows the header in the
 * bag stream. tot_data_size is written as 0 by both C++ and tonutils and ignored by C++'s validate(); we do the
 * same. Every count and offset is checked against the bytes that remain before anything is allocated.
 */
import { fromUtf8, utf8 } from './bytes.ts';
import { StorageError } from './errors.ts';
import { MAX_BAG_SIZE, MAX_FILES, MAX_HEADER_SIZE, MAX_NAME_BYTES } from './limits.ts';
import type { TorrentInfo } from './torrent-info.ts';

export const TORRENT_HEADER_MAGIC = 0x9128aab7;
export const FEC_INFO_NONE = 0xc82a1964;
/** Fixed part: magic, files_count, tot_name_size, tot_data_size, fec type, dir_name_size. */
const FIXED_SIZE = 4 + 4 + 8 + 8 + 4 + 4;

export interface BagFile {
  /** Position in the header's file table. */
  index: number;
  /** Path inside the bag ('/'-separated, no leading '/'). */
  name: string;
  /** Offset of the file's first byte within the data area (the bag stream minus the header). */
  offset: number;
  size: number;
}

export interface TorrentHeader {
  /** The bag's top directory name as created (e.g. "site/"), or ''. Not part of file paths. */
  dirName: string;
  files: BagFile[];
  /** Serialized size in bytes (must equal TorrentInfo.header_size). */
  size: number;
  /** Sum of the file sizes (the data area). */
  dataSize: number;
  /** tot_data_size as written (informational; 0 in practice). */
  totDataSize: number;
}

const fail = (message: string): never => {
  throw new StorageError('parse', `torrent header: ${message}`);
};

/**
 * C++ validate_name: not empty, no leading '/', no trailing '/' (except a dir name), no empty, "." or ".."
 * components. Returns a problem or null.
 */
export function nameProblem(name: string, isDirName = false): string | null {
  if (name.length === 0) return 'empty name';
  if (name.startsWith('/')) return 'name starts with "/"';
  if (name.endsWith('/') && !isDirName) return 'name ends with "/"';
  const parts = (isDirName && name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  for (const part of parts) {
    if (part === '') return 'name has an empty component';
    if (part === '.' || part === '..') return `name has a "${part}" component`;
  }
  return null;
}

/** Checks the file names of a bag: valid, unique, and no file named like a directory of another. */
export function checkFileNames(names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    const problem = nameProblem(name);
    if (problem) throw new StorageError('parse', `file ${JSON.stringify(name)}: ${problem}`);
    if (seen.has(name)) throw new StorageError('parse', `duplicate file name ${JSON.stringify(name)}`);
    seen.add(name);
  }
  for (const name of names) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (seen.has(dir)) throw new StorageError('parse', `file ${JSON.stringify(dir)} is also a directory`);
    }
  }
}

class HeaderReader {
  #at = 0;
  readonly #view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get at(): number {
    return this.#at;
  }
  get remaining(): number {
    return this.bytes.length - this.#at;
  }
  u32(): number {
    if (this.remaining < 4) fail('truncated');
    const v = this.#view.getUint32(this.#at, true);
    this.#at += 4;
    return v;
  }
  /** A u64 that must fit a safe integer. */
  u64(what: string): number {
    if (this.remaining < 8) fail('truncated');
    const lo = this.#view.getUint32(this.#at, true);
    const hi = this.#view.getUint32(this.#at + 4, true);
    this.#at += 8;
    if (hi > 0x1fffff) throw new StorageError('limit', `torrent header: ${what} does not fit 53 bits`);
    return hi * 0x1_0000_0000 + lo;
  }
  raw(n: number): Uint8Array {
    if (n > this.remaining) fail('truncated');
    const out = this.bytes.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }
}

/** Parses exactly one header that fills `bytes` entirely. */
export function parseTorrentHeader(bytes: Uint8Array): TorrentHeader {
  if (bytes.length > MAX_HEADER_SIZE)
    throw new StorageError('limit', `torrent header of ${bytes.length} bytes`);
  const r = new HeaderReader(bytes);
  if (r.remaining < FIXED_SIZE) fail(`${bytes.length} bytes is shorter than the fixed part`);
  if (r.u32() !== TORRENT_HEADER_MAGIC) fail('bad magic');
  const count = r.u32();
  const totNameSize = r.u64('tot_name_size');
  const totDataSize = r.u64('tot_data_size');
  if (r.u32() !== FEC_INFO_NONE) fail('unknown fec type');
  const dirNameSize = r.u32();
  if (count < 1) fail('no files');
  if (count > MAX_FILES) throw new StorageError('limit', `torrent header: ${count} files is too many`);
  if (dirNameSize > MAX_NAME_BYTES) throw new StorageError('limit', 'torrent header: dir name too long');
  // Everything that follows must fit what remains, exactly.
  const need = dirNameSize + 16 * count + totNameSize;
  if (need !== r.remaining)
    fail(`sizes add up to ${FIXED_SIZE + need} bytes, the header has ${bytes.length}`);
  const dirNameBytes = r.raw(dirNameSize);
  const nameEnds: number[] = new Array(count);
  const dataEnds: number[] = new Array(count);
  for (let i = 0; i < count; i++) nameEnds[i] = r.u64('name offset');
  for (let i = 0; i < count; i++) dataEnds[i] = r.u64('data offset');
  const names = r.raw(totNameSize);

  const dirName = dirNameSize === 0 ? '' : (fromUtf8(dirNameBytes) ?? fail('dir name is not UTF-8'));
  if (dirName !== '') {
    const problem = nameProblem(dirName, true);
    if (problem) fail(`dir name: ${problem}`);
  }
  const files: BagFile[] = new Array(count);
  let nameStart = 0;
  let dataStart = 0;
  for (let i = 0; i < count; i++) {
    const nameEnd = nameEnds[i];
    const dataEnd = dataEnds[i];
    if (nameEnd < nameStart || nameEnd > totNameSize) fail(`name offset of file ${i} out of order`);
    if (nameEnd - nameStart > MAX_NAME_BYTES) throw new StorageError('limit', `file ${i}: name too long`);
    if (dataEnd < dataStart || dataEnd > MAX_BAG_SIZE) fail(`data offset of file ${i} out of order`);
    const name = fromUtf8(names.subarray(nameStart, nameEnd)) ?? fail(`name of file ${i} is not UTF-8`);
    files[i] = { index: i, name, offset: dataStart, size: dataEnd - dataStart };
    nameStart = nameEnd;
    dataStart = dataEnd;
  }
  if (nameStart !== totNameSize) fail('the last name does not end at tot_name_size');
  checkFileNames(files.map((f) => f.name));
  return { dirName, files, size: bytes.length, dataSize: dataStart, totDataSize };
}

/** Serializes a header for `files` (in this order) and an optional top directory name. */
export function buildTorrentHeader(files: { name: string; size: number }[], dirName = ''): Uint8Array {
  if (files.length < 1) throw new StorageError('parse', 'a bag needs at least one file');
  if (files.length > MAX_FILES) throw new StorageError('limit', `${files.length} files is too many`);
  checkFileNames(files.map((f) => f.name));
  if (dirName !== '') {
    const problem = nameProblem(dirName, true);
    if (problem) throw new StorageError('parse', `dir name: ${problem}`);
  }
  const nameBytes = files.map((f) => utf8(f.name));
  const dirBytes = utf8(dirName);
  const totName = nameBytes.reduce((n, b) => n + b.length, 0);
  const size = FIXED_SIZE + dirBytes.length + 16 * files.length + totName;
  if (size > MAX_HEADER_SIZE) throw new StorageError('limit', `torrent header of ${size} bytes`);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const u32 = (v: number): void => {
    view.setUint32(at, v, true);
    at += 4;
  };
  const u64 = (v: number): void => {
    if (!Number.isSafeInteger(v) || v < 0) throw new StorageError('limit', `size ${v} is not supported`);
    view.setUint32(at, v % 0x1_0000_0000, true);
    view.setUint32(at + 4, Math.floor(v / 0x1_0000_0000), true);
    at += 8;
  };
  u32(TORRENT_HEADER_MAGIC);
  u32(files.length);
  u64(totName);
  u64(0); // tot_data_size: 0, as C++ TorrentCreator and tonutils write it
  u32(FEC_INFO_NONE);
  u32(dirBytes.length);
  out.set(dirBytes, at);
  at += dirBytes.length;
  let nameEnd = 0;
  for (const b of nameBytes) u64((nameEnd += b.length));
  let dataEnd = 0;
  for (const f of files) u64((dataEnd += f.size));
  for (const b of nameBytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** The header must be exactly header_size bytes and header + data must be exactly the bag (C++ validate). */
export function checkHeaderFitsInfo(header: TorrentHeader, info: TorrentInfo): void {
  if (header.size !== info.headerSize) {
    throw new StorageError('verify', `header is ${header.size} bytes, torrent info says ${info.headerSize}`);
  }
  if (info.headerSize + header.dataSize !== info.fileSize) {
    throw new StorageError(
      'verify',
      `header + files = ${info.headerSize + header.dataSize} bytes, torrent info says ${info.fileSize}`,
    );
  }
}
