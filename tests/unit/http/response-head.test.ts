/** relayableResponseHead: what a site's http.response may pass on to an HTTP/1.1 client. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contentLengthWithoutPayload,
  HttpError,
  relayableResponseHead,
  type HttpResponseHead,
} from '../../../src/net/http/index.ts';

const head = (over: Partial<HttpResponseHead>): HttpResponseHead => ({
  httpVersion: 'HTTP/1.1',
  status: 200,
  reason: 'OK',
  headers: [],
  noPayload: false,
  ...over,
});

describe('relayableResponseHead', () => {
  it('passes 200..599 and refuses every other status with HttpError', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (status) => {
        if (status >= 200 && status <= 599)
          expect(relayableResponseHead(head({ status })).status).toBe(status);
        else expect(() => relayableResponseHead(head({ status }))).toThrow(HttpError);
      }),
    );
    expect(() => relayableResponseHead(head({ status: 101 }))).toThrow(/101 cannot be relayed/);
  });

  it('never lets a control character of the reason through, and keeps a clean reason as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (reason) => {
        const out = relayableResponseHead(head({ status: 404, reason })).reason;
        expect(out).toMatch(/^[\t\x20-\x7e\x80-\xff]*$/);
        if (/^[\t\x20-\x7e]*$/.test(reason)) expect(out).toBe(reason);
      }),
    );
    expect(relayableResponseHead(head({ status: 404, reason: 'x\r\nSet-Cookie: a=b' })).reason).toBe(
      'Not Found',
    );
  });

  it('refuses a header value with CR, LF or NUL and a name that is not a token', () => {
    for (const headers of [[['X', 'a\r\nb']], [['X', 'a\nb']], [['X', 'a\0']], [['Bad Name', 'v']]] as [
      string,
      string,
    ][][]) {
      expect(() => relayableResponseHead(head({ headers }))).toThrow(HttpError);
    }
  });
});

describe('contentLengthWithoutPayload', () => {
  it("keeps the site's length for HEAD and 304, none for 204, else 0", () => {
    expect(contentLengthWithoutPayload('HEAD', 200)).toBe('site');
    expect(contentLengthWithoutPayload('get', 304)).toBe('site');
    expect(contentLengthWithoutPayload('GET', 204)).toBe('none');
    expect(contentLengthWithoutPayload('GET', 200)).toBe('zero');
    expect(contentLengthWithoutPayload('POST', 302)).toBe('zero');
  });
});
