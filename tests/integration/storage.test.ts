/**
 * TON Storage on the devnet, end to end: the DNS plugin (static.ton's site record names the site bag), the DHT,
 * and two storage seeders (the server side of src/net/storage over ADNL-UDP and RLDP). The gateway serves the
 * bag site via static.ton and via <bag id>.bag — over direct UDP and through the bridge's /udp relay — with every
 * file byte-identical to the one in src/devnet/storage/site/; `--peer KEY@IP:PORT` reaches a seeder without DNS
 * or DHT; a bag nobody seeds fails at stage 'storage'.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { devnetDhtPlugin } from '../../src/devnet/dht/index.ts';
import { devnetDnsPlugin } from '../../src/devnet/dns/index.ts';
import { demoSiteBag, devnetStoragePlugin } from '../../src/devnet/storage/index.ts';
import type { Gateway } from '../../src/net/gateway/index.ts';
import { headerValue } from '../../src/net/http/index.ts';
import { contentTypeOf, hexOf } from '../../src/net/storage/index.ts';
import { createNodeGateway, type NodeGateway } from '../../src/node/proxy/node-gateway.ts';

const run = promisify(execFile);
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const read = async (body: ReadableStream<Uint8Array> | null): Promise<Uint8Array> =>
  body ? new Uint8Array(await new Response(body).arrayBuffer()) : new Uint8Array(0);

const dht = devnetDhtPlugin({ count: 3 });
const storage = devnetStoragePlugin({ dht, seeders: 2 });
let devnet: Devnet;
const clients: Record<'direct' | 'relay', NodeGateway> = {} as never;
const site = demoSiteBag();
const bagHost = `${hexOf(site.info.bagId)}.bag`;

beforeAll(async () => {
  devnet = await startDevnet({
    plugins: [devnetDnsPlugin(), dht, storage],
    blockIntervalMs: 0,
    demoAccounts: false,
  });
  clients.direct = await createNodeGateway({ configFile: devnet.configPath });
  clients.relay = await createNodeGateway({
    configFile: devnet.configPath,
    bridge: devnet.endpoints.bridge as string,
  });
});

afterAll(async () => {
  await clients.direct?.close();
  await clients.relay?.close();
  await devnet?.stop();
});

describe('the devnet seeds the demo bags', () => {
  it('lists bags and seeders in the endpoints', () => {
    const ep = devnet.endpoints.storage as {
      bags: { name: string; bagId: string; domain?: string }[];
      seeders: unknown[];
    };
    expect(ep.bags).toContainEqual(
      expect.objectContaining({ name: 'site', bagId: hexOf(site.info.bagId), domain: 'static.ton' }),
    );
    expect(ep.bags.map((b) => b.name)).toEqual(['site', 'file']);
    expect(ep.seeders).toHaveLength(2);
  });
});

describe.each(['direct', 'relay'] as const)('over %s UDP', (via) => {
  const gw = (): Gateway => clients[via].gateway;

  it.each([['static.ton'], ['bag']])(
    'serves every file of the site bag byte-identical via %s',
    async (which) => {
      const host = which === 'bag' ? bagHost : 'static.ton';
      for (const file of site.files) {
        const res = await gw().fetch(`http://${host}/${file.name}`);
        expect(res.status, file.name).toBe(200);
        expect(headerValue(res.headers, 'content-type'), file.name).toBe(contentTypeOf(file.name));
        expect(sha256(await read(res.body)), file.name).toBe(sha256(file.data));
        expect(res.site.bagId && hexOf(res.site.bagId)).toBe(hexOf(site.info.bagId));
      }
      const root = await gw().fetch(`http://${host}/`);
      expect(new TextDecoder().decode(await read(root.body))).toContain('static.ton — served from a bag');
      const log = await root.done;
      expect(log.error).toBeUndefined();
      expect(log.stages.map((s) => s.stage)).toEqual(
        which === 'bag' ? ['handshake', 'request', 'body'] : ['dns', 'handshake', 'request', 'body'],
      );
      const docs = await gw().fetch(`http://${host}/docs/`);
      expect(new TextDecoder().decode(await read(docs.body))).toContain('Docs in a bag');
      const missing = await gw().fetch(`http://${host}/no-such-page.html`);
      expect(missing.status).toBe(404);
      await read(missing.body);
    },
  );
});

describe('failures and --peer', () => {
  it('a bag nobody seeds fails at stage storage (no_peers)', async () => {
    const error = await clients.direct.gateway
      .fetch(`http://${'ab'.repeat(32)}.bag/`)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ stage: 'storage', code: 'no_peers' });
  });

  it('a gateway without any config reaches a seeder given with --peer', async () => {
    const bare = await createNodeGateway({});
    try {
      const without = await bare.gateway.fetch(`http://${bagHost}/`).catch((e: unknown) => e);
      expect(without).toMatchObject({ stage: 'storage', code: 'storage_not_supported' });
      const seeder = storage.seeders[1];
      const res = await bare.gateway.fetch(`http://${bagHost}/about.html`, {
        peer: { publicKey: seeder.keyPair.publicKey, address: seeder.address },
      });
      expect(res.status).toBe(200);
      expect(new TextDecoder().decode(await read(res.body))).toContain('About this bag');
    } finally {
      await bare.close();
    }
  });

  it('tonsite fetch --peer KEY@IP:PORT http://<bag>.bag/ as a process', async () => {
    const seeder = storage.seeders[0];
    const peer = `${hexOf(seeder.keyPair.publicKey)}@${seeder.address.host}:${seeder.address.port}`;
    const { stdout } = await run(
      'node',
      ['bin/tonsite.js', 'fetch', `http://${bagHost}/style.css`, '--peer', peer, '--json'],
      {
        timeout: 60_000,
      },
    );
    const json = JSON.parse(stdout) as { ok: boolean; status: number; sha256: string };
    expect(json).toMatchObject({ ok: true, status: 200 });
    expect(json.sha256).toBe(sha256(site.files.find((f) => f.name === 'style.css')!.data));
  });
});
