/**
 * The local TON devnet (Node only; WASM TVM via @ton/sandbox): chain + liteservers + bridge on loopback.
 * Entry point for `tonsite devnet` and for tests (startDevnet).
 */
export {
  startDevnet,
  type Devnet,
  type DevnetEndpoints,
  type DevnetPlugin,
  type DevnetPluginResult,
  type StartDevnetOptions,
} from './devnet.ts';
export {
  BASECHAIN,
  DevnetChain,
  MASTERCHAIN,
  type BlockId,
  type DevnetAccount,
  type DevnetBlock,
  type DevnetChainOptions,
} from './chain.ts';
export {
  startLiteserver,
  ChainView,
  type DevnetLiteserver,
  type DevnetLiteserverOptions,
} from './liteserver/index.ts';
export { demoCounterCode, demoCounterData } from './contracts/demo-counter.ts';
export { runGetMethod, GetMethodFailure, type GetMethodRun } from './tvm.ts';
