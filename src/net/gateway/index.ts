/**
 * src/net/gateway: the one entry point the hosts call — URL → DNS/DHT → ADNL peer → HTTP over RLDP, with
 * per-request stage timings and every failure a GatewayError naming its stage.
 */
export { GatewayError, type GatewayStage } from './errors.ts';
export { isTonHost, parseTonUrl, TON_HOST_SUFFIXES, type SiteTarget } from './target.ts';
export type { GatewayRequestLog, StageTiming, TimingStage } from './log.ts';
export { Gateway, type GatewayOptions, type GatewayRldp } from './gateway.ts';
export type { AddressResolver, GatewayFetchInit, GatewayResponse, SiteInfo, StaticPeer } from './types.ts';
