/**
 * The devnet's demo bags: static.ton's records in demo-domains.json name the site bag that the seeders serve
 * (the same check the storage plugin makes at start, caught here without a devnet), and the site bag has what
 * the gateway serves for '/'.
 */
import { describe, expect, it } from 'vitest';
import { loadDemoDomains } from '../../../src/devnet/dns/demo-spec.ts';
import { DEMO_SITE_BAG_DOMAIN, demoSiteBag } from '../../../src/devnet/storage/index.ts';
import { StorageError, buildTorrentInfo, hexOf, MAX_PIECES } from '../../../src/net/storage/index.ts';

describe('devnet demo bags', () => {
  it("static.ton's site and storage records name the site bag", () => {
    const id = hexOf(demoSiteBag().info.bagId);
    const entry = loadDemoDomains().domains.find((d) => d.name === DEMO_SITE_BAG_DOMAIN);
    expect(entry?.records.site).toEqual({ bag: id });
    expect(entry?.records.storage).toEqual({ bag: id });
  });

  it('the site bag has an index.html and is built the same way twice', () => {
    const bag = demoSiteBag();
    expect(bag.header.files.map((f) => f.name)).toContain('index.html');
    expect(bag.header.dirName).toBe('site/');
  });

  it('a torrent info with more pieces than we hold bitmaps for is refused', () => {
    const forged = {
      pieceSize: 1,
      fileSize: MAX_PIECES + 1,
      rootHash: new Uint8Array(32),
      headerSize: 100,
      headerHash: new Uint8Array(32),
      description: new Uint8Array(0),
    };
    expect(() => buildTorrentInfo(forged)).toThrow(StorageError);
  });
});
