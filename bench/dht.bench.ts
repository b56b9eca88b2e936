/**
 * src/net/dht:
 *   dht.value.verify   — full check of a signed "address" dht.value (two Ed25519 verifications + TL hashing),
 *                        against a same-run baseline of one bare Ed25519 verify of the same bytes;
 *   dht.resolve.devnet — uncached ADNL-address resolutions through 4 devnet DHT nodes on loopback UDP
 *                        (iterative lookup, k=6 a=3), against a same-run baseline of dht.ping round trips over
 *                        an established ADNL channel.
 */
import { startDevnetDht } from '../src/devnet/dht/index.ts';
import { AdnlNode } from '../src/net/adnl/index.ts';
import { adnlId, generateKeyPair, keyPairFromSeed, verify } from '../src/net/crypto/index.ts';
import { DhtClient, makeAddressValue, valueSignedBytes, verifyDhtValue } from '../src/net/dht/index.ts';
import { openUdpSocket } from '../src/node/udp-socket.ts';
import { report, timeIt, timeSync } from './harness.ts';

export default async function dhtBench(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const kp = keyPairFromSeed(new Uint8Array(32).fill(3));
  const value = makeAddressValue(kp, [{ host: '127.0.0.1', port: 30000 }], now + 3600);
  const signed = valueSignedBytes(value);
  const baseline = 1 / timeSync(() => verify(value.signature, signed, kp.publicKey));
  const perValue = timeSync(() => verifyDhtValue(value, now));
  report({
    bench: 'dht.value.verify',
    value: Math.round(1 / perValue),
    unit: 'values/s',
    baseline: Math.round(baseline),
    baselineUnit: 'ed25519 verify/s',
  });

  const devnet = await startDevnetDht({ count: 4 });
  const service = generateKeyPair();
  await devnet.publishAddress(service, { host: '127.0.0.1', port: 30001 });
  const adnl = new AdnlNode({
    socket: await openUdpSocket({ host: '127.0.0.1' }),
    keyPair: generateKeyPair(),
  });
  try {
    const dht = new DhtClient({ adnl, config: devnet.dhtConfig, cache: null, timeoutMs: 2000, attempts: 1 });
    const id = adnlId(service.publicKey);
    await dht.resolveAddress(id); // sets up the channels to the DHT nodes
    const node = devnet.dhtConfig.staticNodes[0];
    const ping = await timeIt(() => dht.ping(node), 1000);
    const resolve = await timeIt(() => dht.resolveAddress(id), 1000);
    report({
      bench: 'dht.resolve.devnet',
      value: Math.round(1 / resolve),
      unit: 'resolutions/s',
      baseline: Math.round(1 / ping),
      baselineUnit: 'dht.ping round trips/s (same channel)',
      nodes: 4,
    });
  } finally {
    adnl.close();
    await devnet.stop();
  }
}
