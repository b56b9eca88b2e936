/**
 * Lite API wrapping (DIGEST §2.4): a query is `liteServer.query data:bytes` where data = [optional boxed
 * liteServer.waitMasterchainSeqno prefix] + the boxed lite_api function. The answer is the function's result or
 * `liteServer.error code message`. This file holds both directions so the client and the server end agree.
 */
import { TlError, TlReader, tlDecode, tlEncode, tlId, type TlObject } from '../tl/index.ts';
import { LiteError, LiteServerError } from './errors.ts';

const ID_LITE_ERROR = tlId('liteServer.error');
const ID_WAIT_SEQNO = tlId('liteServer.waitMasterchainSeqno');
const ID_QUERY_PREFIX = tlId('liteServer.queryPrefix');

export interface WaitMasterchainSeqno {
  seqno: number;
  timeoutMs: number;
}

/** Builds the bytes of adnl.message.query `query` for one lite_api function. */
export function encodeLiteQuery(fn: TlObject, wait?: WaitMasterchainSeqno): Uint8Array {
  const body = tlEncode(fn);
  let data = body;
  if (wait) {
    const prefix = tlEncode({
      _: 'liteServer.waitMasterchainSeqno',
      seqno: wait.seqno,
      timeout_ms: wait.timeoutMs,
    });
    data = new Uint8Array(prefix.length + body.length);
    data.set(prefix);
    data.set(body, prefix.length);
  }
  return tlEncode({ _: 'liteServer.query', data });
}

/**
 * Decodes an answer that must be `expected` (a constructor or boxed type name). liteServer.error →
 * LiteServerError; anything else malformed or of another constructor → LiteError('bad-answer').
 */
export function decodeLiteAnswer<T>(answer: Uint8Array, expected: string): T {
  if (answer.length >= 4 && readU32(answer) === ID_LITE_ERROR) {
    let error: { code: number; message: string };
    try {
      error = tlDecode('liteServer.error', answer);
    } catch (e) {
      throw new LiteError('bad-answer', 'malformed liteServer.error', { cause: e });
    }
    throw new LiteServerError(error.code, error.message);
  }
  try {
    return tlDecode<T>(expected, answer);
  } catch (e) {
    if (e instanceof TlError)
      throw new LiteError('bad-answer', `expected ${expected}: ${e.message}`, { cause: e });
    throw e;
  }
}

export interface ParsedLiteQuery {
  /** The lite_api function, e.g. `{ _: 'liteServer.getMasterchainInfo' }`. */
  fn: TlObject;
  /** Present if the query carried a liteServer.waitMasterchainSeqno prefix. */
  wait?: WaitMasterchainSeqno;
}

/** Server side: unwraps liteServer.query and its optional prefix. LiteError('bad-query') when malformed. */
export function parseLiteQuery(query: Uint8Array): ParsedLiteQuery {
  try {
    const { data } = tlDecode('liteServer.query', query);
    const r = new TlReader(data);
    let wait: WaitMasterchainSeqno | undefined;
    // Prefixes (at most one of each) come before the function.
    for (let i = 0; i < 2 && r.remaining >= 4; i++) {
      const id = readU32(data.subarray(r.offset));
      if (id === ID_WAIT_SEQNO && !wait) {
        const w = r.object('liteServer.waitMasterchainSeqno') as { seqno: number; timeout_ms: number };
        wait = { seqno: w.seqno, timeoutMs: w.timeout_ms };
      } else if (id === ID_QUERY_PREFIX) {
        r.object('liteServer.queryPrefix');
      } else break;
    }
    const fn = r.object('Object') as TlObject;
    r.assertEnd();
    if (!fn._.startsWith('liteServer.')) throw new LiteError('bad-query', `not a lite_api function: ${fn._}`);
    return wait ? { fn, wait } : { fn };
  } catch (e) {
    if (e instanceof LiteError) throw e;
    throw new LiteError('bad-query', `malformed lite query: ${(e as Error).message}`, { cause: e });
  }
}

/** Server side: `liteServer.error` answer bytes. */
export function encodeLiteError(code: number, message: string): Uint8Array {
  return tlEncode({ _: 'liteServer.error', code, message });
}

function readU32(b: Uint8Array): number {
  return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
}
