/**
 * Bag creation is deterministic: `tonsite bag create DIR` prints the same id for the same files every time (and
 * whatever order the files were written in), the id changes with any byte, name or the description, and the
 * bag's pieces/proofs/header agree with the codecs that were checked against the tonutils-storage vector.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/node/cli.ts';
import {
  StorageError,
  createBag,
  hexOf,
  parseTorrentHeader,
  parseTorrentInfo,
  verifyPieceProof,
} from '../../../src/net/storage/index.ts';
import { bytes } from './helpers.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function site(order: 'ab' | 'ba', tweak = ''): string {
  const root = mkdtempSync(join(tmpdir(), 'tonsite-bag-'));
  dirs.push(root);
  const dir = join(root, 'site');
  mkdirSync(join(dir, 'img'), { recursive: true });
  const files: [string, Uint8Array | string][] = [
    ['index.html', `<h1>hello${tweak}</h1>`],
    ['img/logo.bin', bytes(300_000, 3)],
    ['style.css', 'body{}'],
  ];
  for (const [name, data] of order === 'ab' ? files : [...files].reverse())
    writeFileSync(join(dir, name), data);
  return dir;
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const code = await main(args);
    return { code, out: log.mock.calls.flat().join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('tonsite bag create', () => {
  it('prints the same bag id for the same files, every time and in any write order', async () => {
    const a = await cli(['bag', 'create', site('ab')]);
    const b = await cli(['bag', 'create', site('ab')]);
    const c = await cli(['bag', 'create', site('ba')]);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/^[0-9a-f]{64}$/);
    expect(b.out).toBe(a.out);
    expect(c.out).toBe(a.out);
    const changed = await cli(['bag', 'create', site('ab', '!')]);
    expect(changed.out).not.toBe(a.out);
    const described = await cli(['bag', 'create', site('ab'), '--description', 'x']);
    expect(described.out).not.toBe(a.out);
    const json = JSON.parse((await cli(['bag', 'create', site('ab'), '--json'])).out) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({ bagId: a.out, dirName: 'site/', pieceSize: 131072, pieces: 3 });
    expect(json.files).toEqual([
      { name: 'img/logo.bin', size: 300_000 },
      { name: 'index.html', size: 14 },
      { name: 'style.css', size: 6 },
    ]);
  });

  it('refuses bad arguments with exit code 2', async () => {
    expect((await cli(['bag', 'create'])).code).toBe(2);
    expect((await cli(['bag', 'create', '/nonexistent/dir'])).code).toBe(2);
    expect((await cli(['bag', 'create', site('ab'), '--piece-size', '0'])).code).toBe(2);
  });
});

describe('createBag', () => {
  it('builds a consistent bag: info, header, pieces and proofs', () => {
    const files = [
      { name: 'b.txt', data: bytes(5000, 1) },
      { name: 'a/index.html', data: bytes(10, 2) },
      { name: 'z', data: new Uint8Array(0) },
    ];
    const bag = createBag(files, { pieceSize: 1024, description: 'ü desc' });
    expect(
      hexOf(createBag([...files].reverse(), { pieceSize: 1024, description: 'ü desc' }).info.bagId),
    ).toBe(hexOf(bag.info.bagId));
    const info = parseTorrentInfo(bag.info.boc, bag.info.bagId);
    expect(info.descriptionText).toBe('ü desc');
    expect(parseTorrentHeader(bag.headerBytes).files.map((f) => f.name)).toEqual([
      'a/index.html',
      'b.txt',
      'z',
    ]);
    let total = 0;
    for (let i = 0; i < info.piecesCount; i++) {
      const data = bag.piece(i);
      total += data.length;
      verifyPieceProof({
        proof: bag.tree.proof(i),
        rootHash: info.rootHash,
        index: i,
        piecesCount: info.piecesCount,
        data,
      });
    }
    expect(total).toBe(info.fileSize);
    expect(info.fileSize).toBe(bag.headerBytes.length + 5010);
  });

  it('refuses invalid file tables', () => {
    const one = (name: string) => [{ name, data: new Uint8Array(1) }];
    for (const name of ['', '/abs', 'dir/', 'a//b', './x', 'a/../b']) {
      expect(() => createBag(one(name)), name).toThrow(StorageError);
    }
    expect(() => createBag([])).toThrow(StorageError);
    expect(() =>
      createBag([
        { name: 'a', data: new Uint8Array(1) },
        { name: 'a/b', data: new Uint8Array(1) },
      ]),
    ).toThrow(StorageError);
    expect(() =>
      createBag([
        { name: 'a', data: new Uint8Array(1) },
        { name: 'a', data: new Uint8Array(2) },
      ]),
    ).toThrow(StorageError);
  });
});
