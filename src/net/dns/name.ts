/**
 * TON DNS names and their internal representation (TEP-81, DIGEST §9.2).
 *
 * A name is UTF-8, at most 126 bytes, labels separated by '.', no empty label, no character in U+0000..U+0020
 * (controls and space) or U+007F..U+009F (DEL and C1 controls). Lookups are made in lower case.
 * Internal representation: labels in reverse order, each followed by a zero byte: `sub.alice.ton` ->
 * `ton\0alice\0sub\0`. Clients prepend one more `\0` ("self"), which every resolver accepts, as long as the
 * whole fits in 127 bytes (one cell).
 */
import { DnsInvalidNameError } from './errors.ts';
import { MAX_INTERNAL_BYTES, MAX_NAME_BYTES } from './limits.ts';

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function forbiddenCodePoint(cp: number): boolean {
  return cp <= 32 || (cp >= 127 && cp <= 159);
}

function checkLabel(input: string, label: string): void {
  if (label.length === 0) throw new DnsInvalidNameError(input, 'empty label');
  for (const ch of label) {
    const cp = ch.codePointAt(0) as number;
    if (forbiddenCodePoint(cp)) {
      throw new DnsInvalidNameError(
        input,
        `forbidden character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`,
      );
    }
    if (cp >= 0xd800 && cp <= 0xdfff) throw new DnsInvalidNameError(input, 'unpaired surrogate');
  }
}

/**
 * The canonical form of a name: lower case, without one trailing '.' (a fully qualified `alice.ton.`).
 * Throws DnsInvalidNameError for anything that is not a TON DNS name.
 */
export function normalizeDnsName(input: string): string {
  if (typeof input !== 'string') throw new DnsInvalidNameError(String(input), 'not a string');
  let name = input.toLowerCase();
  if (name.endsWith('.') && name !== '.') name = name.slice(0, -1);
  if (name.length === 0 || name === '.') throw new DnsInvalidNameError(input, 'empty name');
  for (const label of name.split('.')) checkLabel(input, label);
  const size = utf8.encode(name).length;
  if (size > MAX_NAME_BYTES) {
    throw new DnsInvalidNameError(input, `${size} bytes of UTF-8, at most ${MAX_NAME_BYTES} allowed`);
  }
  return name;
}

/** The labels of a (normalized) name, top-level first: `sub.alice.ton` -> ['ton', 'alice', 'sub']. */
export function dnsLabelsTopFirst(name: string): string[] {
  return normalizeDnsName(name).split('.').reverse();
}

/**
 * The dnsresolve argument for a name: `\0` + reversed labels each followed by `\0` (the leading "self" byte is
 * left out only when it would not fit in one cell).
 */
export function encodeDnsName(name: string): Uint8Array {
  const labels = dnsLabelsTopFirst(name);
  const body = utf8.encode(labels.join('\0') + '\0');
  const withSelf = body.length + 1 <= MAX_INTERNAL_BYTES;
  const out = new Uint8Array(body.length + (withSelf ? 1 : 0));
  out.set(body, withSelf ? 1 : 0);
  return out;
}

/** Internal representation -> labels, top-level first. Throws DnsInvalidNameError on anything malformed. */
export function decodeDnsLabels(bytes: Uint8Array): string[] {
  const shown = `<${bytes.length} bytes>`;
  if (bytes.length > MAX_INTERNAL_BYTES)
    throw new DnsInvalidNameError(shown, 'internal form longer than 127 bytes');
  let start = bytes.length > 0 && bytes[0] === 0 ? 1 : 0;
  if (bytes.length <= start) throw new DnsInvalidNameError(shown, 'empty name');
  if (bytes[bytes.length - 1] !== 0)
    throw new DnsInvalidNameError(shown, 'internal form must end with a zero byte');
  const labels: string[] = [];
  for (let i = start; i < bytes.length; i++) {
    if (bytes[i] !== 0) continue;
    let label: string;
    try {
      label = utf8Strict.decode(bytes.subarray(start, i));
    } catch {
      throw new DnsInvalidNameError(shown, 'label is not valid UTF-8');
    }
    checkLabel(shown, label);
    labels.push(label);
    start = i + 1;
  }
  return labels;
}

/** Internal representation -> dotted name (`ton\0alice\0` -> `alice.ton`). */
export function decodeDnsName(bytes: Uint8Array): string {
  return [...decodeDnsLabels(bytes)].reverse().join('.');
}

/**
 * Human form of a piece of the internal representation that one resolver consumed, e.g. `\0ton` -> `ton`,
 * `\0ton\0www` -> `www.ton`, `\0` -> `.` (the resolver answered for itself). Lossy; for traces only.
 */
export function describeDnsBytes(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes);
  const labels = text.split('\0').filter((l) => l.length > 0);
  return labels.length === 0 ? '.' : labels.reverse().join('.');
}

/**
 * The domain named by the first `consumed` bytes of an internal representation, e.g. after the root and the
 * .ton collection consumed `\0ton\0alice` of `\0ton\0alice\0sub\0` -> `alice.ton`.
 */
export function dnsNameOfPrefix(internal: Uint8Array, consumed: number): string {
  return describeDnsBytes(internal.subarray(0, Math.max(0, Math.min(consumed, internal.length))));
}

/** Whether a host name belongs to TON DNS (`.ton` or `.t.me`), as opposed to the ordinary web. */
export function isTonDnsName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h.endsWith('.ton') || h.endsWith('.t.me');
}
