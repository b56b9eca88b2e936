/**
 * TON Storage from a devnet seeder that behaves like tonutils-storage (src/devnet/peers kind `tonutils`: the
 * first-contact race of tonutils-go's ADNL gateway, RLDP v1 until the peer speaks v2, versions following the last
 * message, 1 MiB parts, tonutils-go's send and confirm cadence), found through DHT nodes of every kind. It is the
 * only seeder, so every byte comes from it: the site bag's files via static.ton and the 20 MiB file bag, direct and
 * through the bridge's relay, with 0 % and 10 % injected loss on the client's socket.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { devnetDhtPlugin } from '../../src/devnet/dht/index.ts';
import { devnetDnsPlugin } from '../../src/devnet/dns/index.ts';
import {
  DEMO_FILE_BAG_NAME,
  demoFileBag,
  demoSiteBag,
  devnetStoragePlugin,
} from '../../src/devnet/storage/index.ts';
import { hexOf } from '../../src/net/storage/index.ts';
import { FaultySocket } from '../../src/net/transport/index.ts';
import { createNodeGateway, type NodeGateway } from '../../src/node/proxy/node-gateway.ts';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const read = async (body: ReadableStream<Uint8Array> | null): Promise<Uint8Array> =>
  body ? new Uint8Array(await new Response(body).arrayBuffer()) : new Uint8Array(0);

const dht = devnetDhtPlugin({ count: 3, kinds: ['ours', 'cpp', 'tonutils'] });
const storage = devnetStoragePlugin({ dht, seeders: 1, kinds: ['tonutils'] });
let devnet: Devnet;
const clients = new Map<string, NodeGateway>();
const site = demoSiteBag();
const file = demoFileBag();

beforeAll(async () => {
  devnet = await startDevnet({
    plugins: [devnetDnsPlugin(), dht, storage],
    blockIntervalMs: 0,
    demoAccounts: false,
  });
  for (const path of ['direct', 'relay'] as const) {
    for (const loss of [0, 0.1]) {
      clients.set(
        `${path}/${loss}`,
        await createNodeGateway({
          configFile: devnet.configPath,
          ...(path === 'relay' && { bridge: devnet.endpoints.bridge as string }),
          ...(loss > 0 && { wrapSocket: (s) => new FaultySocket(s, { loss, direction: 'both' }) }),
        }),
      );
    }
  }
});

afterAll(async () => {
  for (const c of clients.values()) await c.close();
  await devnet?.stop();
});

it('the only seeder is a tonutils one, and the DHT has a node of each kind', () => {
  expect(storage.seeders.map((s) => s.kind)).toEqual(['tonutils']);
  expect(dht.dht?.nodes.map((n) => n.kind)).toEqual(['ours', 'cpp', 'tonutils']);
});

describe.each(['direct', 'relay'] as const)('over %s UDP', (path) => {
  describe.each([0, 0.1])('with %s loss', (loss) => {
    it('every file of the site bag (static.ton) and the 20 MiB file byte-identical', async () => {
      const gw = clients.get(`${path}/${loss}`)!.gateway;
      for (const f of site.files) {
        const res = await gw.fetch(`http://static.ton/${f.name}`);
        expect(res.status, f.name).toBe(200);
        expect(sha256(await read(res.body)), f.name).toBe(sha256(f.data));
      }
      const big = file.files.find((f) => f.name === DEMO_FILE_BAG_NAME)!;
      const res = await gw.fetch(`http://${hexOf(file.info.bagId)}.bag/${DEMO_FILE_BAG_NAME}`);
      expect(res.status).toBe(200);
      const got = await read(res.body);
      expect(got.length).toBe(big.data.length);
      expect(sha256(got)).toBe(sha256(big.data));
      expect((await res.done).error).toBeUndefined();
    });
  });
});
