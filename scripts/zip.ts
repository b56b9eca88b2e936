/**
 * A small ZIP writer and reader (PKWARE APPNOTE 6.3.x: local file headers, central directory, end of central
 * directory; deflate or stored; no ZIP64, no encryption), enough for the extension package `npm run package`
 * writes and the e2e tests unpack. Node's zlib does the deflate and the CRC-32.
 *
 * Writing is reproducible: entries in the order given, every timestamp 1980-01-01 00:00 (the DOS epoch), so the
 * same build gives the same bytes. Reading checks every size, offset and CRC against the archive's bounds.
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** '/'-separated path inside the archive, no leading '/', no '..'. */
  name: string;
  data: Uint8Array;
}

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
/** Version 2.0: deflate. */
const VERSION = 20;
/** Bit 11: names are UTF-8. */
const FLAG_UTF8 = 0x0800;
const STORED = 0;
const DEFLATED = 8;
/** Entries and sizes stay far below the ZIP64 limits; anything at them is refused rather than written wrong. */
const MAX_ENTRIES = 0xffff;
const MAX_SIZE = 0xffffffff;

export class ZipError extends Error {
  override name = 'ZipError';
}

function checkName(name: string): void {
  if (
    name === '' ||
    name.startsWith('/') ||
    name.includes('\\') ||
    name.split('/').some((part) => part === '..' || part === '')
  ) {
    throw new ZipError(`bad entry name ${JSON.stringify(name)}`);
  }
}

export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  if (entries.length > MAX_ENTRIES) throw new ZipError('too many entries for a ZIP without ZIP64');
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const seen = new Set<string>();
  for (const entry of entries) {
    checkName(entry.name);
    if (seen.has(entry.name)) throw new ZipError(`duplicate entry ${entry.name}`);
    seen.add(entry.name);
    const name = new TextEncoder().encode(entry.name);
    const deflated = deflateRawSync(entry.data, { level: 9 });
    // Stored when deflate does not help (PNG icons, tiny files).
    const method = deflated.length < entry.data.length ? DEFLATED : STORED;
    const body = method === DEFLATED ? deflated : entry.data;
    if (entry.data.length > MAX_SIZE || offset > MAX_SIZE)
      throw new ZipError('archive too large without ZIP64');
    const crc = crc32(entry.data) >>> 0;

    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, LOCAL_SIG, true);
    local.setUint16(4, VERSION, true);
    local.setUint16(6, FLAG_UTF8, true);
    local.setUint16(8, method, true);
    local.setUint16(10, 0, true); // time 00:00:00
    local.setUint16(12, DOS_DATE_1980_01_01, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, body.length, true);
    local.setUint32(22, entry.data.length, true);
    local.setUint16(26, name.length, true);
    local.setUint16(28, 0, true);
    parts.push(new Uint8Array(local.buffer), name, body);

    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, CENTRAL_SIG, true);
    dir.setUint16(4, (3 << 8) | VERSION, true); // made by: Unix
    dir.setUint16(6, VERSION, true);
    dir.setUint16(8, FLAG_UTF8, true);
    dir.setUint16(10, method, true);
    dir.setUint16(12, 0, true);
    dir.setUint16(14, DOS_DATE_1980_01_01, true);
    dir.setUint32(16, crc, true);
    dir.setUint32(20, body.length, true);
    dir.setUint32(24, entry.data.length, true);
    dir.setUint16(28, name.length, true);
    // extra, comment, disk number, internal attributes: 0
    dir.setUint32(38, (0o100644 << 16) >>> 0, true); // external attributes: a regular file, rw-r--r--
    dir.setUint32(42, offset, true);
    central.push(new Uint8Array(dir.buffer), name);
    offset += 30 + name.length + body.length;
  }
  const centralSize = central.reduce((n, p) => n + p.length, 0);
  if (offset > MAX_SIZE) throw new ZipError('archive too large without ZIP64');
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, END_SIG, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Every file entry of a ZIP (directories skipped), checked; ZipError for anything malformed or unsupported. */
export function readZip(zip: Uint8Array, maxTotalBytes = 256 * 1024 * 1024): ZipEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END_SIG) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipError('no end of central directory record');
  const count = view.getUint16(end + 10, true);
  const dirSize = view.getUint32(end + 12, true);
  const dirOffset = view.getUint32(end + 16, true);
  if (dirOffset + dirSize > end) throw new ZipError('central directory out of bounds');
  const entries: ZipEntry[] = [];
  let total = 0;
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > dirOffset + dirSize || view.getUint32(at, true) !== CENTRAL_SIG)
      throw new ZipError(`bad central directory entry ${i}`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 20, true);
    const rawSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localOffset = view.getUint32(at + 42, true);
    if (at + 46 + nameLength > dirOffset + dirSize) throw new ZipError('entry name out of bounds');
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    checkName(name);
    if (flags & 1) throw new ZipError(`${name}: encrypted entries are not supported`);
    total += rawSize;
    if (total > maxTotalBytes) throw new ZipError('archive expands beyond the limit');
    if (localOffset + 30 > zip.length || view.getUint32(localOffset, true) !== LOCAL_SIG)
      throw new ZipError(`${name}: bad local header`);
    const start =
      localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (start + size > zip.length) throw new ZipError(`${name}: data out of bounds`);
    const body = zip.subarray(start, start + size);
    let data: Uint8Array;
    if (method === STORED) data = body;
    else if (method === DEFLATED) {
      try {
        data = inflateRawSync(body, { maxOutputLength: Math.max(1, rawSize) });
      } catch (error) {
        throw new ZipError(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else throw new ZipError(`${name}: compression method ${method} is not supported`);
    if (data.length !== rawSize || crc32(data) >>> 0 !== crc)
      throw new ZipError(`${name}: size or CRC mismatch`);
    entries.push({ name, data: new Uint8Array(data) });
  }
  return entries;
}
