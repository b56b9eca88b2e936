/**
 * What a DHT node does when a value arrives for a key it already holds (ton dht/dht-types.cpp update_value):
 *   signature    — keep the one with the later ttl;
 *   anybody      — the newcomer replaces the old value;
 *   overlayNodes — union of both member lists by member id, the higher version winning; if the result does
 *                  not fit in 768 bytes, members are dropped (C++ drops random ones; we drop the stalest, which
 *                  keeps the list deterministic and fresh); ttl = the later of the two.
 * Both values must already have passed verifyDhtValue.
 */
import { tlEncodeBare } from '../tl/index.ts';
import { toHex } from './hex.ts';
import { MAX_VALUE_BYTES } from './limits.ts';
import { encodeOverlayNodes, type OverlayNodeInfo } from './overlay.ts';
import type { DhtValueInfo, DhtValueTl } from './value.ts';

export function mergeStoredValue(old: DhtValueInfo, incoming: DhtValueInfo): DhtValueInfo {
  switch (incoming.rule) {
    case 'signature':
      return incoming.ttl > old.ttl ? incoming : old;
    case 'anybody':
      return incoming;
    case 'overlayNodes':
      return mergeOverlayNodes(old, incoming);
  }
}

function mergeOverlayNodes(old: DhtValueInfo, incoming: DhtValueInfo): DhtValueInfo {
  const byId = new Map<string, OverlayNodeInfo>();
  for (const n of [...(old.overlayNodes ?? []), ...(incoming.overlayNodes ?? [])]) {
    const hex = toHex(n.id);
    const have = byId.get(hex);
    if (!have || have.version < n.version) byId.set(hex, n);
  }
  const members = [...byId.values()].sort((x, y) => y.version - x.version); // freshest first
  let size = 8; // overlay.nodes id + vector count
  const kept: OverlayNodeInfo[] = [];
  for (const n of members) {
    const len = tlEncodeBare(n.tl).length;
    if (size + len > MAX_VALUE_BYTES) continue;
    size += len;
    kept.push(n);
  }
  const ttl = Math.max(old.ttl, incoming.ttl);
  const value = encodeOverlayNodes(kept.map((n) => n.tl));
  const tl: DhtValueTl = { ...incoming.tl, value, ttl };
  return { ...incoming, value, ttl, overlayNodes: kept, tl };
}
