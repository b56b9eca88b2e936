/**
 * What a liteserver (or a config) can make the lite client hold: every size or count read from the wire is checked
 * against one of these before it is used.
 */

/** Largest BoC we parse from an answer (account states and proofs are far smaller). */
export const MAX_BOC_BYTES = 8 << 20;

/** Bounds a hostile config. */
export const MAX_CONFIG_LITESERVERS = 1024;

/** Most values in one stack (the depth field allows 2^24; real get-method results are tiny). */
export const MAX_VM_STACK_DEPTH = 1024;
/** Deepest tuple nesting accepted. */
export const MAX_VM_TUPLE_NESTING = 16;
/** Most values in all tuples of one stack together. */
export const MAX_VM_STACK_VALUES = 4096;

/** Keeps the history of the highest seqno seen (seqno, first seen at) to judge lag fairly across time. */
export const MAX_SEQNO_HISTORY = 256;
