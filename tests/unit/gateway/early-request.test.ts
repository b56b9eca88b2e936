/** The early request's helpers: which requests may go early, the body-end gate, and the race of two requests. */
import { describe, expect, it } from 'vitest';
import { BodyEndGate, firstResponse, mayGoEarly } from '../../../src/net/gateway/early-request.ts';
import type { BodyEnd, HttpResponse } from '../../../src/net/http/index.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function response(tag: string, onCancel?: () => void): HttpResponse {
  const body = new ReadableStream<Uint8Array>({ cancel: () => onCancel?.() });
  return {
    status: 200,
    reason: tag,
    httpVersion: 'HTTP/1.1',
    headers: [],
    noPayload: false,
    id: new Uint8Array(32),
    body,
    trailers: [],
  };
}

describe('mayGoEarly', () => {
  it('lets only safe methods without a body go before the handshake', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'TRACE'].map((m) => mayGoEarly(m, false))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['POST', 'PUT', 'DELETE', 'PATCH'].map((m) => mayGoEarly(m, false))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(mayGoEarly('GET', true)).toBe(false);
  });
});

describe('BodyEndGate', () => {
  it('holds a report until opened, passes later ones, and drops everything once shut', () => {
    const seen: BodyEnd[] = [];
    const gate = new BodyEndGate((e) => seen.push(e));
    gate.push({ bytes: 1, parts: 0 });
    expect(seen).toEqual([]);
    gate.open();
    expect(seen).toEqual([{ bytes: 1, parts: 0 }]);
    gate.push({ bytes: 2, parts: 1 });
    expect(seen).toHaveLength(2);
    const shut = new BodyEndGate((e) => seen.push(e));
    shut.push({ bytes: 3, parts: 0 });
    shut.shut();
    shut.open();
    shut.push({ bytes: 4, parts: 0 });
    expect(seen).toHaveLength(2);
  });
});

describe('firstResponse', () => {
  it('takes the first head, cancels the other request, and cancels the body of a head that comes later', async () => {
    const a = deferred<HttpResponse>();
    const b = deferred<HttpResponse>();
    const cancelled: string[] = [];
    const ends: BodyEnd[] = [];
    const gates = [new BodyEndGate((e) => ends.push(e)), new BodyEndGate((e) => ends.push(e))];
    const race = firstResponse([
      { response: a.promise, gate: gates[0], cancel: () => cancelled.push('a') },
      { response: b.promise, gate: gates[1], cancel: () => cancelled.push('b') },
    ]);
    gates[1].push({ bytes: 0, parts: 0 }); // b's no-payload end, reported with its head
    b.resolve(response('b'));
    expect((await race).reason).toBe('b');
    expect(cancelled).toEqual(['a']);
    expect(ends).toEqual([{ bytes: 0, parts: 0 }]);
    let bodyCancelled = false;
    a.resolve(response('a', () => (bodyCancelled = true)));
    await new Promise((r) => setTimeout(r, 0));
    expect(bodyCancelled).toBe(true);
    gates[0].push({ bytes: 9, parts: 1 });
    expect(ends).toHaveLength(1);
  });

  it('rejects with the last request’s error when none succeeds, whatever the order', async () => {
    const a = deferred<HttpResponse>();
    const b = deferred<HttpResponse>();
    const race = firstResponse([
      { response: a.promise, gate: new BodyEndGate(() => {}), cancel: () => {} },
      { response: b.promise, gate: new BodyEndGate(() => {}), cancel: () => {} },
    ]);
    b.reject(new Error('v1 failed'));
    a.reject(new Error('v2 failed'));
    await expect(race).rejects.toThrow('v1 failed');
  });
});
