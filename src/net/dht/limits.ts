/**
 * Protocol constants and the bounds we enforce on everything that comes from the wire (DIGEST §5).
 * Numbers marked "C++" are the reference node's own limits (ton dht/dht-types.h, dht/dht.hpp, dht/dht.cpp).
 */

/** C++ DhtValue::max_value_size(): the `value` bytes of a dht.value. */
export const MAX_VALUE_BYTES = 768;
/** C++ DhtKey::max_name_length(): dht.key name is 1..127 bytes. */
export const MAX_KEY_NAME_BYTES = 127;
/** C++ DhtKey::max_index(): dht.key idx is 0..15. */
export const MAX_KEY_INDEX = 15;
/** C++ DhtMember::max_k(): a server answers with at most this many nodes, whatever k the query asked for. */
export const MAX_K = 10;
/** C++ DhtMember::max_a(). */
export const MAX_A = 10;
/** C++ store_in(): a stored value may live at most one hour (+ a minute of clock skew) from now. */
export const MAX_STORE_TTL_SECONDS = 3600 + 60;
/** C++ DhtUpdateRuleOverlayNodes::check_is_acceptable(): an overlay node is fresh for 600 s after `version`. */
export const OVERLAY_NODE_FRESH_SECONDS = 600;

/** Our bound on one answer's size before we even try to decode it (a dht.valueFound is < 2 KiB). */
export const MAX_ANSWER_BYTES = 16 * 1024;
/** Our bound on the nodes in one dht.nodes answer (honest servers send at most MAX_K). */
export const MAX_NODES_PER_ANSWER = 32;
/** Our bound on the addresses in one adnl.addressList. */
export const MAX_ADDRESSES_PER_LIST = 16;
/** Our bound on the static nodes accepted from a global config. */
export const MAX_STATIC_NODES = 256;

/** Mainnet defaults (global-config dht section, DIGEST §12). */
export const DEFAULT_K = 6;
export const DEFAULT_A = 3;
/** Per-query timeout: C++ uses 2..4 s, tonutils-go 3 s. */
export const DEFAULT_QUERY_TIMEOUT_MS = 3000;
/** Hard cap on the queries one iterative lookup may send (an adversary can mint endless "closer" nodes). */
export const DEFAULT_MAX_LOOKUP_QUERIES = 96;
/** network_id of a node signature without one (64-byte form, DIGEST §5.4). */
export const NO_NETWORK_ID = -1;
