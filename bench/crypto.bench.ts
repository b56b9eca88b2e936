/**
 * src/net/crypto: AES-CTR-with-digest (+ sha256) and long-stream AES-CTR throughput for each AES candidate:
 *   own       — src/net/crypto (our streaming CTR on noble's AES block function; noble's sha256), synchronous
 *   noble     — @noble/ciphers `ctr()` one-shot (a stream re-keys it per chunk at the right counter), synchronous
 *   webcrypto — crypto.subtle AES-CTR / SHA-256 (async; importKey per message, counter managed by hand)
 * plus a same-run xorBaseline. Every candidate's output is checked against `own` before it is timed.
 */
import { ctr } from '@noble/ciphers/aes.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { createAesCtr, digestKeyIv, encryptWithSharedKey, sha256 } from '../src/net/crypto/index.ts';
import { mbps, report, timeIt, timeSync, xorBaseline } from './harness.ts';

const subtle = globalThis.crypto.subtle;
/** WebCrypto's typings want ArrayBuffer-backed views; nothing here is backed by a SharedArrayBuffer. */
const ab = (u: Uint8Array): Uint8Array<ArrayBuffer> => u as Uint8Array<ArrayBuffer>;

function filled(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 17 + (i >>> 8)) & 0xff;
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** iv + blocks as a 128-bit big-endian integer. */
function counterAt(iv: Uint8Array, blocks: number): Uint8Array {
  const out = iv.slice();
  let carry = blocks;
  for (let i = 15; i >= 0 && carry > 0; i--) {
    const sum = out[i] + (carry % 256);
    out[i] = sum & 0xff;
    carry = Math.floor(carry / 256) + (sum >> 8);
  }
  return out;
}

/** CTR over `chunk` that starts `pos` bytes into the keystream: pad to the block boundary, then drop the pad. */
function padded(pos: number, chunk: Uint8Array): { blocks: number; input: Uint8Array; skip: number } {
  const skip = pos % 16;
  if (skip === 0) return { blocks: pos / 16, input: chunk, skip };
  const input = new Uint8Array(skip + chunk.length);
  input.set(chunk, skip);
  return { blocks: (pos - skip) / 16, input, skip };
}

function nobleStream(key: Uint8Array, iv: Uint8Array): (chunk: Uint8Array) => Uint8Array {
  let pos = 0;
  return (chunk) => {
    const { blocks, input, skip } = padded(pos, chunk);
    pos += chunk.length;
    return ctr(key, counterAt(iv, blocks)).encrypt(input).subarray(skip);
  };
}

async function webcryptoStream(
  key: Uint8Array,
  iv: Uint8Array,
): Promise<(chunk: Uint8Array) => Promise<Uint8Array>> {
  const cryptoKey = await subtle.importKey('raw', ab(key), 'AES-CTR', false, ['encrypt']);
  let pos = 0;
  return async (chunk) => {
    const { blocks, input, skip } = padded(pos, chunk);
    pos += chunk.length;
    const counter = counterAt(iv, blocks);
    const out = await subtle.encrypt(
      { name: 'AES-CTR', counter: ab(counter), length: 128 },
      cryptoKey,
      ab(input),
    );
    return new Uint8Array(out, skip);
  };
}

function nobleSealed(secret: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const digest = nobleSha256(plaintext);
  const { key, iv } = digestKeyIv(secret, digest);
  const out = new Uint8Array(32 + plaintext.length);
  out.set(digest);
  out.set(ctr(key, iv).encrypt(plaintext), 32);
  return out;
}

async function webcryptoSealed(secret: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const digest = new Uint8Array(await subtle.digest('SHA-256', ab(plaintext)));
  const { key, iv } = digestKeyIv(secret, digest);
  const cryptoKey = await subtle.importKey('raw', ab(key), 'AES-CTR', false, ['encrypt']);
  const ct = await subtle.encrypt(
    { name: 'AES-CTR', counter: ab(iv), length: 128 },
    cryptoKey,
    ab(plaintext),
  );
  const out = new Uint8Array(32 + plaintext.length);
  out.set(digest);
  out.set(new Uint8Array(ct), 32);
  return out;
}

function check(what: string, ok: boolean): void {
  if (!ok) throw new Error(`crypto bench: ${what} disagrees with src/net/crypto`);
}

export default async function cryptoBench(): Promise<void> {
  report({ bench: 'crypto.xorBaseline', value: xorBaseline(65536), unit: 'MB/s', size: 65536 });
  const secret = filled(32, 1);

  for (const size of [900, 16384, 65536]) {
    const data = filled(size, 2);
    const minMs = 400;

    if (!sameBytes(sha256(data), nobleSha256(data)))
      throw new Error('crypto bench: sha256 disagrees with noble');
    for (const [candidate, fn] of [['noble', sha256]] as const) {
      report({
        bench: 'crypto.sha256',
        candidate,
        size,
        unit: 'MB/s',
        value: mbps(
          size,
          timeSync(() => fn(data), minMs),
        ),
      });
    }
    const webSha = await timeIt(() => subtle.digest('SHA-256', ab(data)), minMs);
    report({ bench: 'crypto.sha256', candidate: 'webcrypto', size, unit: 'MB/s', value: mbps(size, webSha) });

    const reference = encryptWithSharedKey(secret, data);
    check('noble sealed', sameBytes(nobleSealed(secret, data), reference));
    check('webcrypto sealed', sameBytes(await webcryptoSealed(secret, data), reference));
    const own = timeSync(() => encryptWithSharedKey(secret, data), minMs);
    const noble = timeSync(() => nobleSealed(secret, data), minMs);
    const web = await timeIt(() => webcryptoSealed(secret, data), minMs);
    for (const [candidate, seconds] of [
      ['own', own],
      ['noble', noble],
      ['webcrypto', web],
    ] as const) {
      report({ bench: 'crypto.aesCtrWithDigest', candidate, size, unit: 'MB/s', value: mbps(size, seconds) });
    }
  }

  // One connection-long stream fed chunk by chunk (ADNL-TCP). 1000-byte chunks leave the stream mid-block.
  const key = filled(32, 3);
  const iv = filled(16, 4);
  for (const chunkSize of [100, 1000, 16384, 65536]) {
    const chunk = filled(chunkSize, 5);
    const chunks = 4;
    const expected = createAesCtr(key, iv);
    const nobleCheck = nobleStream(key, iv);
    const webCheck = await webcryptoStream(key, iv);
    for (let i = 0; i < chunks; i++) {
      const want = expected.update(chunk);
      check('noble stream', sameBytes(nobleCheck(chunk), want));
      check('webcrypto stream', sameBytes(await webCheck(chunk), want));
    }
    const ownStream = createAesCtr(key, iv);
    const own = timeSync(() => ownStream.update(chunk), 400);
    const nobleS = nobleStream(key, iv);
    const noble = timeSync(() => nobleS(chunk), 400);
    const webS = await webcryptoStream(key, iv);
    const web = await timeIt(() => webS(chunk), 400);
    for (const [candidate, seconds] of [
      ['own', own],
      ['noble', noble],
      ['webcrypto', web],
    ] as const) {
      report({
        bench: 'crypto.aesCtrStream',
        candidate,
        chunk: chunkSize,
        unit: 'MB/s',
        value: mbps(chunkSize, seconds),
      });
    }
  }
}
