import { BridgeConfigError } from './limits.ts';

/** Resolves on the first SIGINT or SIGTERM (long-running commands: bridge, devnet). */
export function untilShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/**
 * Parses `HOST:PORT` (`[v6]:PORT` allowed); port 0 = ephemeral. BridgeConfigError otherwise (was a plain Error;
 * the commands turn it into a usage error).
 */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new BridgeConfigError(`expected HOST:PORT, got '${text}'`);
  return { host: m[1] ?? m[2], port };
}
