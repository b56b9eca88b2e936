/**
 * dht.node (DIGEST §5.1, §5.4): `dht.node id:PublicKey addr_list:adnl.addressList version:int signature:bytes`.
 * The signature is Ed25519 by `id` over the boxed dht.node (addr_list bare) with `signature` replaced by:
 *   - empty bytes, when the field is 64 bytes long (no network id, treated as -1);
 *   - the 4-byte network id alone, when the field is 68 bytes = network_id (int32 LE) || signature.
 * A node is rejected only if both its network id and ours are != -1 and they differ (ton dht/dht-node.cpp).
 */
import { sign, verify, type KeyPair } from '../crypto/index.ts';
import { tlEncode, type TlCtor } from '../tl/index.ts';
import { concatBytes } from './bytes.ts';
import { makeAddressList, readAddressList, type UdpAddress } from './address-list.ts';
import { DhtError, DhtVerifyError } from './errors.ts';
import { NO_NETWORK_ID } from './limits.ts';
import { ed25519PublicKeyTl, expectEd25519, keyIdOf } from './public-key.ts';

export type DhtNodeTl = TlCtor<'dht.node'>;

/** A dht.node whose signature was checked. */
export interface DhtNodeInfo {
  /** ADNL short id of the node = its position in the Kademlia id space. */
  id: Uint8Array;
  publicKey: Uint8Array;
  /** UDP addresses from its address list (at least one). */
  addresses: UdpAddress[];
  version: number;
  /** -1 for a 64-byte signature. */
  networkId: number;
  /** The object as received, to pass on unchanged in our own answers. */
  tl: DhtNodeTl;
}

function networkIdBytes(networkId: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, networkId, true);
  return b;
}

/** The bytes a node signs, for a signature field of `signature.length` bytes. */
export function dhtNodeSignedBytes(node: DhtNodeTl): Uint8Array {
  const sig = node.signature;
  if (sig.length === 64) return tlEncode({ ...node, signature: new Uint8Array(0) });
  if (sig.length === 68) return tlEncode({ ...node, signature: sig.subarray(0, 4) });
  throw new DhtVerifyError(`dht.node signature must be 64 or 68 bytes, got ${sig.length}`);
}

/** Checks a dht.node; returns its verified form or throws DhtVerifyError. */
export function verifyDhtNode(node: DhtNodeTl, ourNetworkId: number = NO_NETWORK_ID): DhtNodeInfo {
  if (node._ !== 'dht.node') throw new DhtVerifyError(`expected dht.node, got ${String(node._)}`);
  const publicKey = expectEd25519(node.id, 'dht.node id');
  const sig = node.signature;
  let networkId = NO_NETWORK_ID;
  let signature: Uint8Array;
  if (sig.length === 64) {
    signature = sig;
  } else if (sig.length === 68) {
    networkId = new DataView(sig.buffer, sig.byteOffset, 4).getInt32(0, true);
    signature = sig.subarray(4);
  } else {
    throw new DhtVerifyError(`dht.node signature must be 64 or 68 bytes, got ${sig.length}`);
  }
  if (networkId !== ourNetworkId && networkId !== NO_NETWORK_ID && ourNetworkId !== NO_NETWORK_ID) {
    throw new DhtVerifyError(`dht.node of network ${networkId}, expected ${ourNetworkId}`);
  }
  let addresses: UdpAddress[];
  try {
    addresses = readAddressList(node.addr_list).addresses;
  } catch (error) {
    if (error instanceof DhtError) throw new DhtVerifyError(`dht.node address list: ${error.message}`);
    throw error;
  }
  if (addresses.length === 0) throw new DhtVerifyError('dht.node has no UDP address');
  if (!verify(signature, dhtNodeSignedBytes(node), publicKey))
    throw new DhtVerifyError('bad dht.node signature');
  return { id: keyIdOf(node.id), publicKey, addresses, version: node.version, networkId, tl: node };
}

/** Our own signed dht.node (what dht.getSignedAddressList answers and static node lists contain). */
export function signDhtNode(
  keyPair: KeyPair,
  addresses: UdpAddress[],
  opts: { version?: number; networkId?: number; reinitDate?: number } = {},
): DhtNodeTl {
  const networkId = opts.networkId ?? NO_NETWORK_ID;
  const unsigned: DhtNodeTl = {
    _: 'dht.node',
    id: ed25519PublicKeyTl(keyPair.publicKey),
    addr_list: makeAddressList(addresses, { reinitDate: opts.reinitDate ?? 0 }),
    version: opts.version ?? 0,
    signature: networkId === NO_NETWORK_ID ? new Uint8Array(0) : networkIdBytes(networkId),
  };
  const signature = sign(tlEncode(unsigned), keyPair.secretKey);
  const field = networkId === NO_NETWORK_ID ? signature : concatBytes(unsigned.signature, signature);
  return { ...unsigned, signature: field };
}
