/**
 * The 20 MiB demo file bag through the bridge's /udp relay from the devnet's two storage seeders, one of them
 * killed halfway through the download: the gateway's swarm re-requests the dead seeder's pieces from the other
 * one, the download completes, and the bytes match the generated file (sha256). Both seeders served pieces.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { devnetDhtPlugin } from '../../src/devnet/dht/index.ts';
import {
  DEMO_FILE_BAG_NAME,
  demoFileBag,
  demoFileBytes,
  devnetStoragePlugin,
} from '../../src/devnet/storage/index.ts';
import { headerValue } from '../../src/net/http/index.ts';
import { hexOf } from '../../src/net/storage/index.ts';
import { createNodeGateway, type NodeGateway } from '../../src/node/proxy/node-gateway.ts';

const dht = devnetDhtPlugin({ count: 3 });
const storage = devnetStoragePlugin({ dht, seeders: 2 });
let devnet: Devnet;
let client: NodeGateway;

beforeAll(async () => {
  devnet = await startDevnet({ plugins: [dht, storage], blockIntervalMs: 0, demoAccounts: false });
  client = await createNodeGateway({
    configFile: devnet.configPath,
    bridge: devnet.endpoints.bridge as string,
  });
});

afterAll(async () => {
  await client?.close();
  await devnet?.stop();
});

describe('20 MiB from two seeders through the relay', () => {
  it('completes and matches when one seeder is killed halfway', async () => {
    const bag = demoFileBag();
    const expected = createHash('sha256').update(demoFileBytes()).digest('hex');
    const res = await client.gateway.fetch(`http://${hexOf(bag.info.bagId)}.bag/${DEMO_FILE_BAG_NAME}`);
    expect(res.status).toBe(200);
    const size = demoFileBytes().length;
    expect(headerValue(res.headers, 'content-length')).toBe(String(size));
    const [first, second] = storage.seeders;
    const hash = createHash('sha256');
    const reader = res.body!.getReader();
    let got = 0;
    let servedByFirstAtKill = 0;
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      hash.update(r.value);
      got += r.value.length;
      if (!first.stopped && got >= size / 2) {
        servedByFirstAtKill = first.server.stats.piecesServed;
        first.stop();
      }
    }
    expect(got).toBe(size);
    expect(hash.digest('hex')).toBe(expected);
    expect(first.stopped).toBe(true);
    expect(servedByFirstAtKill).toBeGreaterThan(0);
    expect(second.server.stats.piecesServed).toBeGreaterThan(0);
    const log = await res.done;
    expect(log.error).toBeUndefined();
    expect(log.bytes).toBe(size);
  });
});
