/** The TON stack composed from a global config, the same way for every host. */
export { stackFromConfig, type DnsTrust, type StackHostParts, type TonStack } from './from-config.ts';
