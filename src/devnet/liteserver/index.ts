/** The devnet liteserver: ADNL-TCP server end + lite_api handlers over the devnet chain. */
export { startLiteserver, type DevnetLiteserver, type DevnetLiteserverOptions } from './server.ts';
export { ChainView, MAX_WAIT_MS } from './view.ts';
export { dispatchLiteQuery, SUPPORTED_QUERIES } from './dispatch.ts';
export { toTlBlockIdExt, toTlZeroState } from './block-ids.ts';
