/**
 * The extension bench's noble baseline (bench/extension.bench.ts), run as its own process: the Node gateway of
 * `tonsite fetch --bridge` (src/node/proxy/node-gateway.ts) with its ADNL node on noble's SHA-256 and AES-CTR —
 * the service worker's crypto — instead of OpenSSL's. Reads URL's body, prints one JSON line: seconds, bytes,
 * sha256.
 *
 *   node --import tsx bench/noble-fetch.ts URL CONFIG_FILE BRIDGE_URL
 */
import { createHash } from 'node:crypto';
import { WebSocket } from 'ws';
import { AdnlNode } from '../src/net/adnl/index.ts';
import { generateKeyPair } from '../src/net/crypto/index.ts';
import { bridgeUdpUrl, openRelaySocket } from '../src/net/transport/index.ts';
import { createNodeGateway } from '../src/node/proxy/node-gateway.ts';

const [url, configFile, bridge] = process.argv.slice(2);
const node = await createNodeGateway({
  configFile,
  bridge,
  gateway: {
    // No `crypto`: AdnlNode's default primitives are noble's (src/net/crypto/primitives.ts).
    adnl: async () =>
      new AdnlNode({
        socket: await openRelaySocket(bridgeUdpUrl(bridge), { WebSocket: WebSocket as never }),
        keyPair: generateKeyPair(),
      }),
  },
});
try {
  const started = performance.now();
  const response = await node.gateway.fetch(url);
  const hash = createHash('sha256');
  let bytes = 0;
  const reader = response.body!.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    hash.update(r.value);
    bytes += r.value.length;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ status: response.status, seconds, bytes, sha256: hash.digest('hex') }));
} finally {
  await node.close();
}
