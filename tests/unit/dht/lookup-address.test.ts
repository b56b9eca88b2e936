/** lookupAdnlAddresses' failure paths: nothing is opened or asked when the config has no DHT nodes. */
import { describe, expect, it } from 'vitest';
import {
  dhtConfigToJson,
  lookupAdnlAddress,
  lookupAdnlAddresses,
  DhtParseError,
} from '../../../src/net/dht/index.ts';
import { makeSimNetwork } from './sim-network.ts';

const id = new Uint8Array(32).fill(7);
const hex = Buffer.from(id).toString('hex');

describe('lookupAdnlAddresses', () => {
  it('reports `unavailable` without opening a socket when the config has no (valid) DHT nodes', async () => {
    let opened = 0;
    const socket = async () => {
      opened++;
      throw new Error('must not be called');
    };
    for (const config of [dhtConfigToJson([]), { '@type': 'config.global', liteservers: [] }, null]) {
      const r = await lookupAdnlAddresses({ adnlIds: [id], config, socket });
      expect(r).toEqual([{ ok: false, adnl: hex, error: expect.objectContaining({ code: 'unavailable' }) }]);
    }
    expect(opened).toBe(0);
    await expect(
      lookupAdnlAddress({ adnlId: id, config: dhtConfigToJson([]), socket }),
    ).rejects.toBeInstanceOf(DhtParseError);
  });

  it('reports `unavailable` when the socket cannot be opened', async () => {
    const config = dhtConfigToJson([makeSimNetwork(1).nodes[0].server.node]);
    const r = await lookupAdnlAddresses({
      adnlIds: [id, id.map((b) => b ^ 1)],
      config,
      socket: () => Promise.reject(new Error('relay refused')),
    });
    expect(r.map((x) => (x.ok ? 'ok' : x.error.code))).toEqual(['unavailable', 'unavailable']);
    expect(r[0].ok === false && r[0].error.message).toContain('relay refused');
  });
});
