/**
 * Overlay node lists as stored in the DHT (DIGEST §6): key {id = overlay short id, name = "nodes", idx = 0},
 * rule dht.updateRule.overlayNodes, value = boxed `overlay.nodes nodes:(vector overlay.node)`.
 * `overlay.node id:PublicKey overlay:int256 version:int signature:bytes` is signed by `id` over the boxed
 * `overlay.node.toSign id:adnl.id.short overlay:int256 version:int` (ton dht/dht-types.cpp check_value).
 */
import { sign, verify, type KeyPair } from '../crypto/index.ts';
import { TlError, tlDecode, tlEncode, type TlCtor } from '../tl/index.ts';
import { bytesEqual } from './bytes.ts';
import { DhtParseError, DhtVerifyError } from './errors.ts';
import { MAX_VALUE_BYTES } from './limits.ts';
import { ed25519PublicKeyTl, expectEd25519, keyIdOf } from './public-key.ts';

export type OverlayNodeTl = TlCtor<'overlay.node'>;

/** An overlay member whose signature was checked. */
export interface OverlayNodeInfo {
  /** ADNL short id of the member. */
  id: Uint8Array;
  publicKey: Uint8Array;
  /** Unix time the member signed this entry (C++ treats it as fresh for 600 s). */
  version: number;
  tl: OverlayNodeTl;
}

/** Overlay short id = TL hash of `pub.overlay name:bytes` (for a bag, name = the 32-byte bag id). */
export function overlayIdOf(name: Uint8Array): Uint8Array {
  return keyIdOf({ _: 'pub.overlay', name });
}

function toSignBytes(shortId: Uint8Array, overlayId: Uint8Array, version: number): Uint8Array {
  return tlEncode({
    _: 'overlay.node.toSign',
    id: { _: 'adnl.id.short', id: shortId },
    overlay: overlayId,
    version,
  });
}

/** Checks one overlay.node that claims membership of `overlayId`. */
export function verifyOverlayNode(node: OverlayNodeTl, overlayId: Uint8Array): OverlayNodeInfo {
  const publicKey = expectEd25519(node.id, 'overlay.node id');
  if (!bytesEqual(node.overlay, overlayId)) throw new DhtVerifyError('overlay.node of another overlay');
  const id = keyIdOf(node.id);
  if (!verify(node.signature, toSignBytes(id, overlayId, node.version), publicKey)) {
    throw new DhtVerifyError('bad overlay.node signature');
  }
  return { id, publicKey, version: node.version, tl: node };
}

/** A member's signed overlay.node for `overlayId`, dated `version` (unix time). */
export function signOverlayNode(keyPair: KeyPair, overlayId: Uint8Array, version: number): OverlayNodeTl {
  const id = keyIdOf(ed25519PublicKeyTl(keyPair.publicKey));
  return {
    _: 'overlay.node',
    id: ed25519PublicKeyTl(keyPair.publicKey),
    overlay: overlayId,
    version,
    signature: sign(toSignBytes(id, overlayId, version), keyPair.secretKey),
  };
}

/** Decodes a boxed overlay.nodes value (at most MAX_VALUE_BYTES) without checking signatures. */
export function decodeOverlayNodes(bytes: Uint8Array): OverlayNodeTl[] {
  if (bytes.length > MAX_VALUE_BYTES) throw new DhtParseError('overlay.nodes value is too big');
  try {
    return tlDecode<TlCtor<'overlay.nodes'>>('overlay.nodes', bytes).nodes;
  } catch (error) {
    if (error instanceof TlError) throw new DhtParseError(`bad overlay.nodes value: ${error.message}`);
    throw error;
  }
}

/** Decodes and checks every member of an overlay.nodes value for `overlayId` (any bad member fails it all). */
export function readOverlayNodes(bytes: Uint8Array, overlayId: Uint8Array): OverlayNodeInfo[] {
  return decodeOverlayNodes(bytes).map((node) => verifyOverlayNode(node, overlayId));
}

export function encodeOverlayNodes(nodes: OverlayNodeTl[]): Uint8Array {
  return tlEncode({ _: 'overlay.nodes', nodes });
}
