/** src/net/dht: TON DHT — objects and their checks, iterative lookup, client over ADNL-UDP, server handlers. */
export { DhtError, DhtParseError, DhtVerifyError, DhtNotFoundError, DhtTimeoutError } from './errors.ts';
export * from './limits.ts';

export {
  makeAddressList,
  readAddressList,
  type UdpAddress,
  type AddressListTl,
  type AddressListInfo,
} from './address-list.ts';
export { keyIdOf, ed25519PublicKeyTl, type PublicKeyTl } from './public-key.ts';
export { dhtKeyId, addressKeyId, overlayNodesKeyId, type DhtKeyTl } from './key.ts';
export { verifyDhtNode, signDhtNode, dhtNodeSignedBytes, type DhtNodeInfo, type DhtNodeTl } from './node.ts';
export {
  overlayIdOf,
  verifyOverlayNode,
  signOverlayNode,
  decodeOverlayNodes,
  readOverlayNodes,
  encodeOverlayNodes,
  type OverlayNodeInfo,
  type OverlayNodeTl,
} from './overlay.ts';
export {
  verifyDhtValue,
  makeSignedValue,
  makeOverlayNodesValue,
  keyDescriptionSignedBytes,
  valueSignedBytes,
  type DhtValueInfo,
  type DhtValueTl,
  type DhtKeyDescriptionTl,
  type UpdateRule,
} from './value.ts';
export { readAddressValue, makeAddressValue, type ResolvedAddress } from './address.ts';
export {
  encodeFindValue,
  encodeFindNode,
  encodePing,
  encodeStore,
  encodeGetSignedAddressList,
  decodeValueResult,
  decodeNodes,
  decodeNode,
  decodeStored,
  decodePong,
  decodeIncomingQuery,
  type ValueResult,
  type IncomingQuery,
} from './codec.ts';
export {
  findValue,
  findNodes,
  type DhtQueryFn,
  type LookupOptions,
  type LookupStats,
  type FindValueResult,
  type FindNodesResult,
} from './lookup.ts';
export { parseDhtConfig, dhtConfigToJson, dhtNodeToJson, dhtNodeFromJson, type DhtConfig } from './config.ts';

export { DhtServer, type DhtServerOptions, type DhtServerStats, type QueryServingNode } from './server.ts';
export { MemoryDhtCache, type DhtCache, type DhtCacheEntry } from './cache.ts';
export { DhtClient, type DhtClientOptions, type DhtTransport, type LookupFlags } from './client.ts';
export {
  lookupAdnlAddress,
  lookupAdnlAddresses,
  type LookupAdnlAddressOptions,
  type AdnlAddressJson,
  type AdnlAddressLookupJson,
  type DhtErrorCode,
} from './lookup-address.ts';
