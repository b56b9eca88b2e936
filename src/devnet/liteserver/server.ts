/**
 * The devnet liteserver: a TCP listener whose connections speak ADNL-TCP (server end: serveAdnlTcp from
 * src/net/adnl) with the server's own ed25519 key, answering lite_api queries (createLiteQueryHandler from
 * src/net/lite) from a ChainView of the shared DevnetChain.
 * With `tamper` it is a forger (tamper/forged-chain.ts): every answer comes from a forged overlay of the chain
 * in which each DNS site record is replaced, with the forger's own Merkle proofs and no validator keys.
 * Test controls: freeze() (the server lags: its last block stops advancing), setDelay() (answers are held back, so
 * a test can stop the server while a query is in flight), stop().
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { serveAdnlTcp, type AdnlTcpServerSession } from '../../net/adnl/index.ts';
import { generateKeyPair, type KeyPair } from '../../net/crypto/index.ts';
import { createLiteQueryHandler } from '../../net/lite/server.ts';
import { socketByteStream } from '../../node/tcp-stream.ts';
import type { DevnetChain } from '../chain.ts';
import { dispatchLiteQuery } from './dispatch.ts';
import { ChainView } from './view.ts';
import { ForgedChain, forgedBlockProof } from './tamper/index.ts';
import type { TlCtor } from '../../net/tl/index.ts';

export interface DevnetLiteserverOptions {
  chain: DevnetChain;
  /** Server key (default: a fresh one). */
  keyPair?: KeyPair;
  host?: string;
  /** 0 = ephemeral (default). */
  port?: number;
  /** Forge DNS answers (tamper/). */
  tamper?: boolean;
}

export interface DevnetLiteserver {
  readonly host: string;
  readonly port: number;
  readonly publicKey: Uint8Array;
  readonly view: ChainView;
  /** This server forges answers. */
  readonly tampering: boolean;
  /** Connections currently open. */
  readonly connections: number;
  /** Queries answered so far (successfully or with liteServer.error). */
  readonly queries: number;
  /** The server stops following the chain (reports the block it has now). */
  freeze(): void;
  unfreeze(): void;
  /** Holds every answer back by `ms` (0 = answer at once). */
  setDelay(ms: number): void;
  /** Closes the listener and every connection (in-flight queries get no answer). Idempotent. */
  stop(): Promise<void>;
}

export async function startLiteserver(options: DevnetLiteserverOptions): Promise<DevnetLiteserver> {
  const keyPair = options.keyPair ?? generateKeyPair();
  const forged = options.tamper ? new ForgedChain(options.chain) : null;
  const view = new ChainView(forged ?? options.chain);
  const sessions = new Set<{ session: AdnlTcpServerSession; socket: Socket }>();
  let delayMs = 0;
  let queries = 0;
  let stopping: Promise<void> | null = null;

  const onQuery = createLiteQueryHandler(async (request) => {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    try {
      if (forged && request.fn._ === 'liteServer.getBlockProof') {
        if (request.wait) await view.waitFor(request.wait.seqno, request.wait.timeoutMs);
        return forgedBlockProof(request.fn as TlCtor<'liteServer.getBlockProof'>, view, forged);
      }
      return await dispatchLiteQuery(request, { view });
    } finally {
      queries++;
    }
  });

  const server: Server = createServer((socket) => {
    if (stopping) {
      socket.destroy();
      return;
    }
    socket.on('error', () => {});
    const session = serveAdnlTcp(socketByteStream(socket), keyPair, onQuery);
    const entry = { session, socket };
    sessions.add(entry);
    void session.closed.then(() => sessions.delete(entry));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    host: address.address,
    port: address.port,
    publicKey: keyPair.publicKey,
    view,
    tampering: forged !== null,
    get connections() {
      return sessions.size;
    },
    get queries() {
      return queries;
    },
    freeze: () => view.freeze(),
    unfreeze: () => view.unfreeze(),
    setDelay(ms: number) {
      delayMs = Math.max(0, ms);
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const { session, socket } of sessions) {
          session.close();
          socket.destroy();
        }
        sessions.clear();
      });
      return stopping;
    },
  };
}
