/** The generated types make call sites read like the schema (checked by tsc; the runtime asserts are light). */
import { describe, expect, it } from 'vitest';
import {
  tlDecode,
  tlEncode,
  type TlCtor,
  type TlFunctionResults,
  type TlObject,
  type TlType,
} from '../../../src/net/tl/index.ts';

describe('generated TL types', () => {
  it('typed construction, decode by constructor, by boxed type and with an explicit type argument', () => {
    const query = {
      _: 'adnl.message.query',
      query_id: new Uint8Array(32).fill(1),
      query: tlEncode({ _: 'liteServer.getMasterchainInfo' }),
    } satisfies TlCtor<'adnl.message.query'>;
    const bytes = tlEncode(query);

    const byCtor = tlDecode('adnl.message.query', bytes);
    const id: Uint8Array = byCtor.query_id;
    expect(id).toEqual(query.query_id);

    const byType: TlType<'adnl.Message'> = tlDecode('adnl.Message', bytes);
    expect(byType._).toBe('adnl.message.query');
    if (byType._ === 'adnl.message.query') expect(byType.query).toEqual(query.query);

    const explicit = tlDecode<TlCtor<'adnl.message.query'>>('adnl.Message', bytes);
    expect(explicit.query_id).toEqual(query.query_id);

    const loose: TlObject = tlDecode('Object', bytes);
    expect(loose._).toBe('adnl.message.query');

    const answer: TlFunctionResults['liteServer.getMasterchainInfo'] | undefined = undefined;
    const check: TlType<'liteServer.MasterchainInfo'> | undefined = answer;
    expect(check).toBeUndefined();
  });
});
