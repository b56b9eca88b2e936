/**
 * startDevnet: the local TON network on loopback, in-process — one DevnetChain, N liteservers sharing it, the
 * WebSocket bridge (TCP to those liteservers + the /udp relay with loopback allowed), a global-config file for
 * clients. `tonsite devnet` is a thin wrapper; tests call startDevnet() directly.
 *
 * Other devnet parts (DNS contracts, DHT nodes, TON Sites) plug in as DevnetPlugins: each gets the chain before
 * the first sealed block and may add global-config sections and endpoint fields.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Address } from '@ton/core';
import { keyPairFromSeed, sha256, type KeyPair } from '../net/crypto/index.ts';
import { liteServerConfigEntry } from '../net/lite/global-config.ts';
import { base64Encode } from '../net/transport/index.ts';
import {
  destinationsFromGlobalConfig,
  startBridge,
  udpRelayRoute,
  type BridgeLimits,
  type BridgeLogger,
  type BridgeServer,
} from '../node/bridge/index.ts';
import {
  DevnetChain,
  MASTERCHAIN,
  BASECHAIN,
  type DevnetBlock,
  type DevnetChainOptions,
  type BlockId,
} from './chain.ts';
import { demoCounterCode, demoCounterData } from './contracts/demo-counter.ts';
import { startLiteserver, type DevnetLiteserver } from './liteserver/index.ts';

export interface DevnetPluginResult {
  /** Merged into the global config (e.g. `dht`). */
  config?: Record<string, unknown>;
  /** Merged into the printed endpoints (e.g. `dnsRoot`, demo site names). */
  endpoints?: Record<string, unknown>;
  stop?: () => Promise<void> | void;
}

export interface DevnetPlugin {
  name: string;
  /** Runs before the first block is sealed: deploy contracts, set config params, start servers. */
  start(context: { chain: DevnetChain; host: string; dir: string }): Promise<DevnetPluginResult | void>;
}

export interface StartDevnetOptions {
  /** Directory for global-config.json (default: a fresh temp dir). */
  dir?: string;
  /** Liteservers sharing the chain (default 1). */
  liteservers?: number;
  /** Loopback address everything listens on (default 127.0.0.1). */
  host?: string;
  /** Fixed ports (default: ephemeral). */
  liteserverPorts?: number[];
  bridgePort?: number;
  /** Start the bridge (default true). */
  bridge?: boolean;
  bridgeLimits?: Partial<BridgeLimits>;
  bridgeLogger?: BridgeLogger;
  /** A new masterchain block every this many ms (default 2000; 0 = only explicit chain.seal()). */
  blockIntervalMs?: number;
  /** Derive liteserver keys from this seed (reproducible configs); default random keys. */
  keySeed?: string;
  /** Deploy the demo counter contract in the basechain and the masterchain (default true). */
  demoAccounts?: boolean;
  /** Validators, key blocks, rotation, the simplex switch (DevnetChainOptions; defaults there). */
  chain?: Omit<DevnetChainOptions, 'blockIntervalMs'>;
  /**
   * Liteservers (0-based, in config order) that forge DNS answers: liteserver/tamper.ts (`--tamper-liteserver`).
   */
  tamperLiteservers?: number[];
  plugins?: DevnetPlugin[];
}

export interface DevnetEndpoints {
  /** Bridge base URL (`ws://127.0.0.1:PORT`), null when started without a bridge. */
  bridge: string | null;
  /** Path of the global config written for clients. */
  config: string;
  liteservers: { host: string; port: number; key: string }[];
  /** Demo accounts (raw addresses) with get methods: counter, note, everything, echo, ... */
  accounts: Record<string, string>;
  [extra: string]: unknown;
}

export interface Devnet {
  readonly chain: DevnetChain;
  readonly liteservers: DevnetLiteserver[];
  readonly bridge: BridgeServer | null;
  readonly configPath: string;
  readonly globalConfig: Record<string, unknown>;
  readonly endpoints: DevnetEndpoints;
  /** Demo accounts by name (empty when demoAccounts is false). */
  readonly accounts: Record<string, Address>;
  /** Seals a block now (e.g. right after changing state in a test). */
  seal(): DevnetBlock;
  /** Stops the bridge, the liteservers, the plugins and block production. Idempotent. */
  stop(): Promise<void>;
}

export async function startDevnet(options: StartDevnetOptions = {}): Promise<Devnet> {
  const host = options.host ?? '127.0.0.1';
  const count = options.liteservers ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new RangeError('liteservers must be 1..64');
  const dir = resolve(options.dir ?? mkdtempSync(join(tmpdir(), 'tonsite-devnet-')));
  mkdirSync(dir, { recursive: true });

  for (const i of options.tamperLiteservers ?? []) {
    if (!Number.isInteger(i) || i < 0 || i >= count)
      throw new RangeError(`tamper liteserver ${i} is not one of the ${count} liteservers`);
  }
  const chain = await DevnetChain.create(options.chain);
  const stops: (() => Promise<void> | void)[] = [];
  // A temp directory we made is ours to remove; a given --dir is left with its config file.
  if (options.dir === undefined) stops.push(() => rmSync(dir, { recursive: true, force: true }));
  stops.push(() => chain.stop());
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const accounts: Record<string, Address> = {};
    if (options.demoAccounts ?? true) {
      const code = demoCounterCode();
      accounts.counter = await chain.deploy({
        code,
        data: demoCounterData(1n, 'devnet basechain'),
        workchain: BASECHAIN,
      });
      accounts.masterCounter = await chain.deploy({
        code,
        data: demoCounterData(1n, 'devnet masterchain'),
        workchain: MASTERCHAIN,
      });
    }
    const pluginConfig: Record<string, unknown> = {};
    const pluginEndpoints: Record<string, unknown> = {};
    for (const plugin of options.plugins ?? []) {
      const result = await plugin.start({ chain, host, dir });
      if (result?.stop) stops.push(result.stop);
      Object.assign(pluginConfig, result?.config);
      Object.assign(pluginEndpoints, result?.endpoints);
    }
    chain.seal();
    if (options.blockIntervalMs ?? 2000) chain.start(options.blockIntervalMs ?? 2000);

    const liteservers: DevnetLiteserver[] = [];
    for (let i = 0; i < count; i++) {
      const ls = await startLiteserver({
        chain,
        keyPair: liteserverKey(options.keySeed, i),
        tamper: options.tamperLiteservers?.includes(i) ?? false,
        host,
        port: options.liteserverPorts?.[i] ?? 0,
      });
      liteservers.push(ls);
      stops.push(() => ls.stop());
    }

    // init_block: the first key block (seqno 1, sealed above), which carries ConfigParam 34 and 28 — the trust
    // anchor clients start their block-proof chains from (PROOFS.md §2.1: it must be a key block).
    const zeroJson = blockJson(chain.zeroState);
    const initJson = blockJson(chain.firstKeyBlock.id);
    const globalConfig: Record<string, unknown> = {
      '@type': 'config.global',
      dht: { '@type': 'dht.config.global', k: 6, a: 3, static_nodes: { '@type': 'dht.nodes', nodes: [] } },
      liteservers: liteservers.map((ls) => liteServerConfigEntry(ls.host, ls.port, ls.publicKey)),
      validator: {
        '@type': 'validator.config.global',
        zero_state: zeroJson,
        init_block: initJson,
        hardforks: [],
      },
      ...pluginConfig,
    };
    // JSON cannot hold the shard as a number exactly; write it as a bare integer like real configs do.
    const configPath = join(dir, 'global-config.json');
    writeFileSync(
      configPath,
      JSON.stringify(globalConfig, null, 2).replace(/"shard": "(-?\d+)"/g, '"shard": $1') + '\n',
    );

    let bridge: BridgeServer | null = null;
    if (options.bridge ?? true) {
      bridge = await startBridge({
        host,
        port: options.bridgePort ?? 0,
        destinations: destinationsFromGlobalConfig(globalConfig),
        limits: options.bridgeLimits,
        logger: options.bridgeLogger,
        routes: [udpRelayRoute({ allowLoopback: true })],
      });
      const b = bridge;
      stops.push(() => b.close());
    }

    const endpoints: DevnetEndpoints = {
      bridge: bridge?.url ?? null,
      config: configPath,
      liteservers: liteservers.map((ls) => ({
        host: ls.host,
        port: ls.port,
        key: base64Encode(ls.publicKey),
      })),
      accounts: Object.fromEntries(Object.entries(accounts).map(([k, a]) => [k, a.toRawString()])),
      ...pluginEndpoints,
    };
    let stopped: Promise<void> | null = null;
    return {
      chain,
      liteservers,
      bridge,
      configPath,
      globalConfig,
      endpoints,
      accounts,
      seal: () => chain.seal(),
      stop: () => (stopped ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A block id as global configs write it (the shard as a signed decimal, hashes in base64). */
function blockJson(id: BlockId) {
  return {
    workchain: id.workchain,
    shard: BigInt.asIntN(64, id.shard).toString(),
    seqno: id.seqno,
    root_hash: base64Encode(id.rootHash),
    file_hash: base64Encode(id.fileHash),
  };
}

function liteserverKey(seed: string | undefined, index: number): KeyPair | undefined {
  if (seed === undefined) return undefined;
  return keyPairFromSeed(sha256(new TextEncoder().encode(`tonsite devnet liteserver ${index} ${seed}`)));
}
