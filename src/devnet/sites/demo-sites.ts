/**
 * The devnet's demo TON Sites: their content directories, deterministic keys (so the ADNL ids are the ones the
 * demo DNS names carry, src/devnet/dns/demo-domains.json), peer kind (src/devnet/peers), RLDP version and dynamic
 * routes. alice's content is served by one site of each kind: alice.ton (ours), cpp-node.alice.ton (as the C++
 * node would) and tonutils.alice.ton (as a tonutils-go site would).
 */
import { fileURLToPath } from 'node:url';
import { keyPairFromSeed, sha256, type KeyPair } from '../../net/crypto/index.ts';
import type { HttpHandler } from '../../net/http/index.ts';
import { peerProfile, type PeerKind, type PeerProfile } from '../peers/index.ts';
import { BIG_FILE_PATH, bigFileBytes } from './big-file.ts';
import { aliceRoutes } from './demo-routes.ts';
import { LARGE_FILE_PATH, largeFileRoute } from './large-file.ts';
import { loadSiteFiles, siteFile, staticHandler, type SiteFile } from './static-site.ts';

export interface DemoSiteSpec {
  /** Short name; its ADNL key is derived from it. */
  name: string;
  /** The content directory src/devnet/sites/<content>/ (default: name). */
  content?: string;
  /** The DNS name whose site record points at this site. */
  domain: string;
  /** Peer kind (default `ours`). */
  kind?: PeerKind;
  /** Kind `ours`: 2 = RLDP v1 and v2 (default), 1 = RLDP v1 only. */
  rldpVersion?: 1 | 2;
}

export const DEMO_SITES: DemoSiteSpec[] = [
  { name: 'alice', domain: 'alice.ton', kind: 'ours', rldpVersion: 2 },
  { name: 'docs', domain: 'docs.alice.ton', kind: 'ours', rldpVersion: 1 },
  { name: 'alice-cpp', content: 'alice', domain: 'cpp-node.alice.ton', kind: 'cpp' },
  { name: 'alice-tonutils', content: 'alice', domain: 'tonutils.alice.ton', kind: 'tonutils' },
];

/** The profile a demo site runs with; `kind` overrides the spec's (a site of kind `cpp` speaks only RLDP2). */
export function demoSiteProfile(spec: DemoSiteSpec, kind: PeerKind = spec.kind ?? 'ours'): PeerProfile {
  return peerProfile(kind, { rldp1Only: kind === 'ours' && spec.rldpVersion === 1 });
}

/** The demo sites with their kinds replaced where `kinds` (site name -> kind) says so. */
export function demoSitesWithKinds(
  kinds: Record<string, PeerKind> = {},
  specs: DemoSiteSpec[] = DEMO_SITES,
): DemoSiteSpec[] {
  for (const name of Object.keys(kinds)) {
    if (!specs.some((s) => s.name === name)) {
      throw new RangeError(`no demo site named ${name} (${specs.map((s) => s.name).join(', ')})`);
    }
  }
  return specs.map((s) => (kinds[s.name] ? { ...s, kind: kinds[s.name] } : s));
}

/** The site's ADNL key: derived from its name, so every devnet run has the same ADNL ids. */
export function demoSiteKey(name: string): KeyPair {
  return keyPairFromSeed(sha256(new TextEncoder().encode(`tonsite-devnet-site:${name}`)));
}

export function demoSiteDir(name: string): string {
  return fileURLToPath(new URL(`./${name}/`, import.meta.url));
}

/** The files of a content directory: its files, plus the generated 20 MiB file for alice's content. */
export function demoSiteFiles(name: string): Map<string, SiteFile> {
  const files = loadSiteFiles(demoSiteDir(name));
  if (name === 'alice') files.set(BIG_FILE_PATH, siteFile(BIG_FILE_PATH, bigFileBytes()));
  return files;
}

export function demoSiteHandler(name: string, files = demoSiteFiles(name)): HttpHandler {
  const routes =
    name === 'alice' ? { ...aliceRoutes('docs.alice.ton'), [LARGE_FILE_PATH]: largeFileRoute } : {};
  return staticHandler(files, routes);
}
