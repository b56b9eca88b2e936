/**
 * dht.value and its key description (DIGEST §5.1; ton dht/dht-types.cpp):
 *   dht.keyDescription key:dht.key id:PublicKey update_rule:dht.UpdateRule signature:bytes   (key bare)
 *   dht.value key:dht.keyDescription value:bytes ttl:int signature:bytes                    (key bare)
 * `key.key.id` must be the TL hash of `key.id`. Signatures are over the boxed object with its own `signature`
 * emptied; the value signature covers the already-signed key description. Update rules:
 *   signature    — owner is pub.ed25519; both signatures by the owner.
 *   anybody      — owner is pub.ed25519 and signs the key description; the value signature is empty.
 *   overlayNodes — owner is pub.overlay; both signatures empty; value is overlay.nodes, every node signed and
 *                  naming this overlay.
 * `ttl` is an absolute unix time; a value with ttl < now is expired. `value` is at most 768 bytes.
 */
import { sign, verify, type KeyPair } from '../crypto/index.ts';
import { tlEncode, type TlCtor } from '../tl/index.ts';
import { bytesEqual } from './bytes.ts';
import { DhtVerifyError } from './errors.ts';
import { checkDhtKey, dhtKeyId, makeDhtKey, type DhtKeyTl } from './key.ts';
import { MAX_VALUE_BYTES, OVERLAY_NODE_FRESH_SECONDS } from './limits.ts';
import { encodeOverlayNodes, readOverlayNodes, type OverlayNodeInfo, type OverlayNodeTl } from './overlay.ts';
import { ed25519PublicKeyTl, keyIdOf, type PublicKeyTl } from './public-key.ts';

export type DhtValueTl = TlCtor<'dht.value'>;
export type DhtKeyDescriptionTl = TlCtor<'dht.keyDescription'>;
export type UpdateRule = 'signature' | 'anybody' | 'overlayNodes';

/** A dht.value that passed every check of its update rule. */
export interface DhtValueInfo {
  keyId: Uint8Array;
  key: DhtKeyTl;
  owner: PublicKeyTl;
  rule: UpdateRule;
  value: Uint8Array;
  /** Absolute unix time the value expires. */
  ttl: number;
  /** For rule overlayNodes: the checked members. */
  overlayNodes?: OverlayNodeInfo[];
  tl: DhtValueTl;
}

const EMPTY = new Uint8Array(0);

function ruleOf(rule: { _: string }): UpdateRule {
  switch (rule._) {
    case 'dht.updateRule.signature':
      return 'signature';
    case 'dht.updateRule.anybody':
      return 'anybody';
    case 'dht.updateRule.overlayNodes':
      return 'overlayNodes';
    default:
      throw new DhtVerifyError(`unknown update rule ${rule._}`);
  }
}

function ruleTl(rule: UpdateRule): DhtKeyDescriptionTl['update_rule'] {
  return { _: `dht.updateRule.${rule}` } as DhtKeyDescriptionTl['update_rule'];
}

/** Bytes the owner signs for a key description. */
export function keyDescriptionSignedBytes(desc: DhtKeyDescriptionTl): Uint8Array {
  return tlEncode({ ...desc, signature: EMPTY });
}

/** Bytes the owner signs for a value (with the key description's signature in place). */
export function valueSignedBytes(value: DhtValueTl): Uint8Array {
  return tlEncode({ ...value, signature: EMPTY });
}

/**
 * Checks a dht.value against its key description and update rule, and its ttl against `now` (unix seconds).
 * Throws DhtVerifyError on any failure.
 */
export function verifyDhtValue(value: DhtValueTl, now: number): DhtValueInfo {
  if (value._ !== 'dht.value') throw new DhtVerifyError(`expected dht.value, got ${String(value._)}`);
  if (value.value.length > MAX_VALUE_BYTES) throw new DhtVerifyError('dht.value is larger than 768 bytes');
  const desc = value.key;
  checkDhtKey(desc.key);
  if (!bytesEqual(desc.key.id, keyIdOf(desc.id)))
    throw new DhtVerifyError('dht.key id is not the owner key id');
  const rule = ruleOf(desc.update_rule);
  let overlayNodes: OverlayNodeInfo[] | undefined;

  if (desc.id._ === 'pub.ed25519') {
    if (rule === 'overlayNodes') throw new DhtVerifyError('overlayNodes rule needs a pub.overlay owner');
    if (!verify(desc.signature, keyDescriptionSignedBytes(desc), desc.id.key)) {
      throw new DhtVerifyError('bad key description signature');
    }
    if (rule === 'signature') {
      if (!verify(value.signature, valueSignedBytes(value), desc.id.key)) {
        throw new DhtVerifyError('bad dht.value signature');
      }
    } else if (value.signature.length !== 0) {
      throw new DhtVerifyError('updateRule.anybody value must not be signed');
    }
  } else if (desc.id._ === 'pub.overlay') {
    if (rule !== 'overlayNodes') throw new DhtVerifyError('pub.overlay owner needs the overlayNodes rule');
    if (desc.signature.length !== 0 || value.signature.length !== 0) {
      throw new DhtVerifyError('overlayNodes signatures must be empty');
    }
    overlayNodes = readOverlayNodes(value.value, desc.key.id);
  } else {
    throw new DhtVerifyError(`a ${desc.id._} cannot own a DHT key`);
  }

  if (!Number.isInteger(value.ttl) || value.ttl < now) throw new DhtVerifyError('dht.value has expired');
  return {
    keyId: dhtKeyId(desc.key),
    key: desc.key,
    owner: desc.id,
    rule,
    value: value.value,
    ttl: value.ttl,
    overlayNodes,
    tl: value,
  };
}

/**
 * C++ check_is_acceptable(): an overlayNodes value is worth returning only if some member signed within the
 * last 600 s; other rules are always acceptable.
 */
export function isAcceptable(info: DhtValueInfo, now: number): boolean {
  if (info.rule !== 'overlayNodes') return true;
  return (info.overlayNodes ?? []).some((n) => n.version + OVERLAY_NODE_FRESH_SECONDS > now);
}

/** A value under `keyPair`'s key with rule signature (or anybody), signed as the C++ node signs it. */
export function makeSignedValue(
  keyPair: KeyPair,
  name: string | Uint8Array,
  idx: number,
  data: Uint8Array,
  ttl: number,
  rule: 'signature' | 'anybody' = 'signature',
): DhtValueTl {
  if (data.length > MAX_VALUE_BYTES) throw new DhtVerifyError('dht.value is larger than 768 bytes');
  const owner = ed25519PublicKeyTl(keyPair.publicKey);
  const unsignedDesc: DhtKeyDescriptionTl = {
    _: 'dht.keyDescription',
    key: makeDhtKey(keyIdOf(owner), name, idx),
    id: owner,
    update_rule: ruleTl(rule),
    signature: EMPTY,
  };
  const desc = {
    ...unsignedDesc,
    signature: sign(keyDescriptionSignedBytes(unsignedDesc), keyPair.secretKey),
  };
  const unsigned: DhtValueTl = { _: 'dht.value', key: desc, value: data, ttl, signature: EMPTY };
  if (rule === 'anybody') return unsigned;
  return { ...unsigned, signature: sign(valueSignedBytes(unsigned), keyPair.secretKey) };
}

/** The overlayNodes value of the overlay named `overlayName` listing `nodes` (each already signed). */
export function makeOverlayNodesValue(
  overlayName: Uint8Array,
  nodes: OverlayNodeTl[],
  ttl: number,
): DhtValueTl {
  const owner: PublicKeyTl = { _: 'pub.overlay', name: overlayName };
  const data = encodeOverlayNodes(nodes);
  if (data.length > MAX_VALUE_BYTES) throw new DhtVerifyError('overlay.nodes value is larger than 768 bytes');
  return {
    _: 'dht.value',
    key: {
      _: 'dht.keyDescription',
      key: makeDhtKey(keyIdOf(owner), 'nodes', 0),
      id: owner,
      update_rule: ruleTl('overlayNodes'),
      signature: EMPTY,
    },
    value: data,
    ttl,
    signature: EMPTY,
  };
}
