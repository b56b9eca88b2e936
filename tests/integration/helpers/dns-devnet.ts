/** The devnet with two liteservers and the DNS contracts only (no bridge, no demo accounts), for the DNS tests. */
import { startDevnet, type Devnet } from '../../../src/devnet/index.ts';
import { devnetDnsPlugin, type DeployedDns } from '../../../src/devnet/dns/index.ts';

export async function startDnsDevnet(): Promise<{ devnet: Devnet; dns: DeployedDns }> {
  const plugin = devnetDnsPlugin();
  const devnet = await startDevnet({
    liteservers: 2,
    plugins: [plugin],
    bridge: false,
    blockIntervalMs: 0,
    demoAccounts: false,
  });
  return { devnet, dns: await plugin.ready };
}
