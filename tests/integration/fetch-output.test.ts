/**
 * `tonsite fetch -o FILE` never leaves a truncated FILE (issue 15 item 4): the body goes to a temporary file
 * beside FILE, renamed onto it only when the whole body arrived. A site that stops sending after the first
 * 2 MiB part makes the fetch fail; FILE keeps what it held before and no temporary file stays behind.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/net/crypto/index.ts';
import { startSiteServer, type SiteServer } from '../../src/devnet/sites/index.ts';
import { sha256Hex } from './helpers/site-devnet.ts';

const PART = 2 * 1024 * 1024;
const whole = new Uint8Array(3 * PART).map((_, i) => (i * 31 + 7) & 255);
let site: SiteServer;

beforeAll(async () => {
  site = await startSiteServer({
    name: 'dies-midway',
    keyPair: generateKeyPair(),
    rldpVersion: 2,
    handler: (request) => {
      if (request.url.endsWith('/whole')) return { status: 200, body: whole };
      // The first part, then nothing: the site went away in the middle of the body.
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) return new Promise<void>(() => {});
          sent = true;
          controller.enqueue(whole.subarray(0, PART));
        },
      });
      return { status: 200, headers: [['Content-Length', String(whole.length)]], body };
    },
  });
});

afterAll(() => site?.close());

function fetchTo(path: string, file: string): Promise<{ code: number; stderr: string }> {
  const peer = `${Buffer.from(site.publicKey).toString('hex')}@${site.address.host}:${site.address.port}`;
  const url = `http://${site.adnl}.adnl${path}`;
  const child = spawn(process.execPath, ['bin/tonsite.js', 'fetch', url, '--peer', peer, '-o', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, stderr })));
}

describe('tonsite fetch -o FILE', () => {
  it('leaves FILE as it was when the site dies mid-transfer, and no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tonsite-output-'));
    const file = join(dir, 'body.bin');
    writeFileSync(file, 'the previous download');
    const { code, stderr } = await fetchTo('/dies', file);
    expect(code).toBe(1);
    expect(stderr).toMatch(/did not answer the response body in time/);
    expect(readFileSync(file, 'utf8')).toBe('the previous download');
    expect(readdirSync(dir)).toEqual(['body.bin']);
  });

  it('puts the whole body at FILE when it arrives, and no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tonsite-output-'));
    const file = join(dir, 'body.bin');
    const { code } = await fetchTo('/whole', file);
    expect(code).toBe(0);
    expect(sha256Hex(readFileSync(file))).toBe(sha256Hex(whole));
    expect(readdirSync(dir)).toEqual(['body.bin']);
  });
});
