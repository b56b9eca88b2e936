/**
 * FileAnchorStore (the CLI's AnchorStore): one JSON file of the newest verified key block per network (by zero
 * state), written atomically, bounded, never stepping back, and a damaged file read as empty.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileAnchorStore } from '../../src/node/anchor-file.ts';
import type { BlockIdExt } from '../../src/net/lite/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tonsite-anchors-'));
  dirs.push(dir);
  return dir;
}

const block = (seqno: number, fill: number): BlockIdExt => ({
  _: 'tonNode.blockIdExt',
  workchain: -1,
  shard: -(1n << 63n),
  seqno,
  root_hash: new Uint8Array(32).fill(fill),
  file_hash: new Uint8Array(32).fill(fill + 1),
});

describe('FileAnchorStore', () => {
  it('keeps the newest key block per zero state, never an older one', async () => {
    const dir = tempDir();
    const a = new FileAnchorStore(block(0, 1), join(dir, 'state'));
    const b = new FileAnchorStore(block(0, 7), join(dir, 'state'));
    expect(await a.load()).toBeNull();
    await a.save(block(100, 3));
    await b.save(block(5, 9));
    await a.save(block(50, 4)); // older: ignored
    expect(await a.load()).toEqual(block(100, 3));
    expect(await b.load()).toEqual(block(5, 9));
    await a.save(block(200, 5));
    expect((await new FileAnchorStore(block(0, 1), join(dir, 'state')).load())?.seqno).toBe(200);
  });

  it('reads a damaged file or a damaged entry as nothing stored', async () => {
    const dir = tempDir();
    const store = new FileAnchorStore(block(0, 1), dir);
    writeFileSync(store.path, '{ not json');
    expect(await store.load()).toBeNull();
    const key = Buffer.from(block(0, 1).file_hash).toString('base64');
    writeFileSync(store.path, JSON.stringify({ [key]: { seqno: -1, rootHash: 'x', fileHash: 'y' } }));
    expect(await store.load()).toBeNull();
    await store.save(block(3, 2));
    expect(JSON.parse(readFileSync(store.path, 'utf8'))[key].seqno).toBe(3);
  });

  it('holds at most 32 networks, the least recently saved dropped first', async () => {
    const dir = tempDir();
    for (let i = 0; i < 40; i++) await new FileAnchorStore(block(0, i), dir).save(block(i + 1, 100));
    const all = JSON.parse(readFileSync(join(dir, 'anchors.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(all).length).toBeLessThanOrEqual(32);
    expect((await new FileAnchorStore(block(0, 39), dir).load())?.seqno).toBe(40);
  });
});
