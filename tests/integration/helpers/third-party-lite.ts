/**
 * The third-party `ton-lite-client` (dev dependency, tests only) with its own ADNL transport (`adnl` package):
 * `tcp://host:port` for direct ADNL-TCP, a `ws://` URL for the same bytes over WebSocket (our bridge protocol).
 */
import { LiteClient, LiteSingleEngine } from 'ton-lite-client';

export interface ThirdPartyLite {
  client: LiteClient;
  engine: LiteSingleEngine;
  close(): void;
}

export async function connectThirdParty(
  target: { tcp: string } | { ws: string },
  publicKey: Uint8Array,
): Promise<ThirdPartyLite> {
  const engine =
    'tcp' in target
      ? new LiteSingleEngine({ host: `tcp://${target.tcp}`, publicKey: Buffer.from(publicKey) })
      : new LiteSingleEngine({ host: target.ws, publicKey: Buffer.from(publicKey), client: 'ws' });
  // Subscribe before yielding: the engine connects from its constructor.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ton-lite-client did not become ready')), 10_000);
    engine.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return { client: new LiteClient({ engine }), engine, close: () => engine.close() };
}
