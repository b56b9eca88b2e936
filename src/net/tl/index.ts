/** TL codec for ../shared/spec/tl/{ton_api,lite_api}.tl (DIGEST §0, TL-IDS.md). */
export { TlError } from './errors.ts';
export type { TlObject } from './types.ts';
export type { TlConstructors, TlTypes, TlFunctionResults } from './schema.generated.ts';
export type { TlName, TlTypeName, TlCtor, TlType } from './codec.ts';
export { tlEncode, tlEncodeBare, tlDecode, tlDecodeBare, tlId, tlNameOf } from './codec.ts';
export { tlHash } from './hash.ts';
export { TlWriter } from './writer.ts';
export { TlReader, TL_MAX_DEPTH } from './reader.ts';
