/**
 * The devnet liteserver's query handling under hostile input: random bytes, mutated valid queries and random
 * arguments to every supported function yield a decodable answer or a liteServer.error — never a throw or hang.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevnetChain } from '../../../src/devnet/chain.ts';
import { demoCounterCode, demoCounterData } from '../../../src/devnet/contracts/demo-counter.ts';
import { dispatchLiteQuery } from '../../../src/devnet/liteserver/dispatch.ts';
import { toTlBlockIdExt } from '../../../src/devnet/liteserver/block-ids.ts';
import { ChainView } from '../../../src/devnet/liteserver/view.ts';
import {
  createLiteQueryHandler,
  decodeLiteAnswer,
  encodeLiteQuery,
  getMethodId,
  LiteServerError,
} from '../../../src/net/lite/index.ts';
import type { TlObject } from '../../../src/net/tl/index.ts';

let chain: DevnetChain;
let handler: ReturnType<typeof createLiteQueryHandler>;
let counterId: Uint8Array;
const ctx = { clientPublicKey: new Uint8Array(32), serverPublicKey: new Uint8Array(32) };

beforeAll(async () => {
  chain = await DevnetChain.create();
  const counter = await chain.deploy({ code: demoCounterCode(), data: demoCounterData(1n, 'fuzz') });
  counterId = new Uint8Array(counter.hash);
  chain.seal();
  const view = new ChainView(chain);
  handler = createLiteQueryHandler((request) => dispatchLiteQuery(request, { view }));
});

afterAll(() => chain.stop());

/** The answer is a liteServer.error or the expected constructor. */
async function answerOf(fn: TlObject, expected: string): Promise<'ok' | 'error'> {
  const bytes = await handler(encodeLiteQuery(fn), ctx);
  try {
    decodeLiteAnswer(bytes, expected);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(LiteServerError);
    return 'error';
  }
}

describe('devnet liteserver under hostile queries', () => {
  it('answers random bytes and mutated queries with liteServer.error', async () => {
    const valid = encodeLiteQuery({ _: 'liteServer.getMasterchainInfo' });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
            const m = valid.slice();
            m[i] ^= x;
            return m;
          }),
        ),
        async (bytes) => {
          const answer = await handler(bytes, ctx);
          expect(answer.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers runSmcMethod with random params / methods / blocks without crashing', async () => {
    const last = toTlBlockIdExt(chain.last);
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.oneof(fc.constantFrom(...['counter', 'echo', 'fail', 'nope'].map(getMethodId)), fc.nat()),
        fc.boolean(),
        fc.nat(8),
        async (params, methodId, ownAccount, mode) => {
          const result = await answerOf(
            {
              _: 'liteServer.runSmcMethod',
              mode,
              id: last,
              account: {
                _: 'liteServer.accountId',
                workchain: 0,
                id: ownAccount ? counterId : new Uint8Array(32),
              },
              method_id: BigInt(methodId),
              params,
            },
            'liteServer.runMethodResult',
          );
          expect(['ok', 'error']).toContain(result);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects unknown blocks, workchains and shards with liteServer.error', async () => {
    const last = toTlBlockIdExt(chain.last);
    const account = { _: 'liteServer.accountId', workchain: 0, id: counterId };
    expect(
      await answerOf(
        { _: 'liteServer.getAccountState', id: { ...last, seqno: last.seqno + 5 }, account },
        'liteServer.accountState',
      ),
    ).toBe('error');
    expect(
      await answerOf(
        { _: 'liteServer.getAccountState', id: { ...last, root_hash: new Uint8Array(32) }, account },
        'liteServer.accountState',
      ),
    ).toBe('error');
    expect(
      await answerOf(
        { _: 'liteServer.getAccountState', id: last, account: { ...account, workchain: 7 } },
        'liteServer.accountState',
      ),
    ).toBe('error');
    expect(
      await answerOf(
        {
          _: 'liteServer.lookupBlock',
          mode: 1,
          id: { _: 'tonNode.blockId', workchain: 0, shard: 1n, seqno: 1 },
        },
        'liteServer.blockHeader',
      ),
    ).toBe('error');
    expect(await answerOf({ _: 'liteServer.getConfigAll', mode: 0, id: last }, 'liteServer.configInfo')).toBe(
      'ok',
    );
  });
});
