/**
 * What a name, a liteserver or a config can make the DNS layer hold or do: every length or count is checked against
 * one of these before it is used.
 */

/** TEP-81: a domain name is at most 126 bytes of UTF-8. */
export const MAX_NAME_BYTES = 126;
/** dnsresolve's argument is one cell slice: at most 127 whole bytes. */
export const MAX_INTERNAL_BYTES = 127;

/** Each hop consumes at least one byte of at most 127, but no sane chain is this long. */
export const DEFAULT_MAX_HOPS = 16;

/** The largest item code BoC we accept in a config's dns_hints (the dns-contract item is under 2 KB). */
export const MAX_ITEM_CODE_BYTES = 16_384;
/** Zones a dns_hints section may list. */
export const MAX_ZONES = 16;

/** How long the cache keeps an answer (never past the domain's expiry) and a failure. */
export const DEFAULT_POSITIVE_TTL_SECONDS = 300;
export const DEFAULT_NEGATIVE_TTL_SECONDS = 30;
