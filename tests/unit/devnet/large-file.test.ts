/**
 * alice.ton's generated /large.bin (src/devnet/sites/large-file.ts): any slice of the deterministic stream equals
 * the same bytes of the whole, ranges and the attachment headers are right, and the body is generated as pulled.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bigFileSlice, generateBigFile } from '../../../src/devnet/sites/big-file.ts';
import {
  largeFileChunks,
  largeFileName,
  largeFileRoute,
  largeFileSha256,
} from '../../../src/devnet/sites/large-file.ts';
import { headerValue, type HttpServerRequest } from '../../../src/net/http/index.ts';

const request = (path: string, headers: [string, string][] = [], method = 'GET') =>
  ({ method, path, headers, body: null }) as unknown as HttpServerRequest;

async function bodyOf(body: unknown): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of body as AsyncIterable<Uint8Array>) parts.push(p);
  return Buffer.concat(parts);
}

describe('large file', () => {
  it('slices at any offset equal the same bytes of the whole', () => {
    const whole = generateBigFile(4099, 7);
    for (const [start, length] of [
      [0, 4099],
      [1, 10],
      [3, 4096],
      [4097, 2],
    ]) {
      expect(bigFileSlice(start, length, 7)).toEqual(whole.subarray(start, start + length));
    }
  });

  it('is served whole or by range as an attachment, bytes matching its sha256', async () => {
    const size = 3 * 1024 * 1024 + 5;
    const whole = await largeFileRoute(request(`/large.bin?bytes=${size}`));
    expect(whole.status).toBe(200);
    expect(headerValue(whole.headers!, 'content-length')).toBe(String(size));
    expect(headerValue(whole.headers!, 'content-disposition')).toBe(
      `attachment; filename="${largeFileName(size)}"`,
    );
    const bytes = await bodyOf(whole.body);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(largeFileSha256(size));

    const part = await largeFileRoute(request(`/large.bin?bytes=${size}`, [['Range', 'bytes=1048575-']]));
    expect(part.status).toBe(206);
    expect(headerValue(part.headers!, 'content-range')).toBe(`bytes 1048575-${size - 1}/${size}`);
    expect(await bodyOf(part.body)).toEqual(bytes.subarray(1048575));

    expect((await largeFileRoute(request('/large.bin?bytes=5', [['Range', 'bytes=9-']]))).status).toBe(416);
    expect((await largeFileRoute(request('/large.bin?bytes=-1'))).status).toBe(400);
    expect((await largeFileRoute(request('/large.bin?bytes=1', [], 'POST'))).status).toBe(405);
    expect((await largeFileRoute(request('/large.bin?bytes=9', [], 'HEAD'))).body).toBeNull();
  });

  it('chunks are made as they are pulled', () => {
    const chunks = largeFileChunks(10 * 1024 * 1024 * 1024);
    expect(chunks.next().value?.length).toBe(1024 * 1024);
  });
});
