/**
 * `tonsite resolve NAME --json` reports the DHT address list of ADNL site records: a devnet with our DNS
 * contracts (a custom name whose site record is a running service's ADNL id) and our DHT nodes; the `dht` field
 * comes from a lookup over direct UDP or through the bridge relay, `--no-dht` skips it, and an ADNL id nobody
 * published is reported as not found without failing the resolution.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { devnetDhtPlugin } from '../../src/devnet/dht/index.ts';
import { devnetDnsPlugin } from '../../src/devnet/dns/index.ts';
import { adnlId, generateKeyPair } from '../../src/net/crypto/index.ts';
import { main } from '../../src/node/cli.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const service = generateKeyPair();
const serviceId = adnlId(service.publicKey);
const ghostId = new Uint8Array(32).fill(0x0f);
const serviceAddress = { host: '127.0.0.1', port: 41414 };
const dhtPlugin = devnetDhtPlugin({ count: 3 });
let devnet: Devnet;

beforeAll(async () => {
  const dnsPlugin = devnetDnsPlugin({
    domains: {
      domains: [
        { name: 'dhtsite.ton', records: { site: { adnl: hex(serviceId), protocols: ['http'] } } },
        { name: 'ghostsite.ton', records: { site: { adnl: hex(ghostId) } } },
      ],
    },
  });
  devnet = await startDevnet({ plugins: [dhtPlugin, dnsPlugin], blockIntervalMs: 0, demoAccounts: false });
  await dhtPlugin.dht?.publishAddress(service, serviceAddress);
});

afterAll(async () => {
  await devnet?.stop();
});

async function resolveJson(args: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const code = await main(['resolve', ...args, '--config', devnet.configPath, '--json']);
    return { code, json: JSON.parse(log.mock.calls.flat().join('\n')) as Record<string, unknown> };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('tonsite resolve --json: DHT address lists', () => {
  it('over direct UDP: the site record’s ADNL id resolves to the published address', async () => {
    const { code, json } = await resolveJson(['dhtsite.ton']);
    expect(code).toBe(0);
    expect(json.ok).toBe(true);
    expect(json.dht).toEqual([
      expect.objectContaining({
        ok: true,
        adnl: hex(serviceId),
        publicKey: hex(service.publicKey),
        addresses: [serviceAddress],
      }),
    ]);
  });

  it('through the bridge relay: the same', async () => {
    const { json } = await resolveJson(['dhtsite.ton', '--bridge', devnet.endpoints.bridge as string]);
    expect(json.dht).toEqual([expect.objectContaining({ ok: true, addresses: [serviceAddress] })]);
  });

  it('--no-dht skips it; an unpublished id is not_found and the resolution still succeeds', async () => {
    const skipped = await resolveJson(['dhtsite.ton', '--no-dht']);
    expect(skipped.code).toBe(0);
    expect(skipped.json).not.toHaveProperty('dht');
    const ghost = await resolveJson(['ghostsite.ton']);
    expect(ghost.code).toBe(0);
    expect(ghost.json.dht).toEqual([
      { ok: false, adnl: hex(ghostId), error: expect.objectContaining({ code: 'not_found' }) },
    ]);
  });
});
