/** A decoded (or to-be-encoded) TL object: `_` is the constructor or function name, the rest are its fields. */
export type TlObject = { _: string; [field: string]: unknown };
