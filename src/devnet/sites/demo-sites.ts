/**
 * The devnet's demo TON Sites: their content directories, deterministic keys (so the ADNL ids are the ones the
 * demo DNS names carry, src/devnet/dns/demo-domains.json), RLDP version and dynamic routes.
 */
import { fileURLToPath } from 'node:url';
import { keyPairFromSeed, sha256, type KeyPair } from '../../net/crypto/index.ts';
import type { HttpHandler } from '../../net/http/index.ts';
import { BIG_FILE_PATH, bigFileBytes } from './big-file.ts';
import { aliceRoutes } from './demo-routes.ts';
import { loadSiteFiles, siteFile, staticHandler, type SiteFile } from './static-site.ts';

export interface DemoSiteSpec {
  /** Short name, also the content directory src/devnet/sites/<name>/. */
  name: string;
  /** The DNS name whose site record points at this site. */
  domain: string;
  rldpVersion: 1 | 2;
}

export const DEMO_SITES: DemoSiteSpec[] = [
  { name: 'alice', domain: 'alice.ton', rldpVersion: 2 },
  { name: 'docs', domain: 'docs.alice.ton', rldpVersion: 1 },
];

/** The site's ADNL key: derived from its name, so every devnet run has the same ADNL ids. */
export function demoSiteKey(name: string): KeyPair {
  return keyPairFromSeed(sha256(new TextEncoder().encode(`tonsite-devnet-site:${name}`)));
}

export function demoSiteDir(name: string): string {
  return fileURLToPath(new URL(`./${name}/`, import.meta.url));
}

/** The files a demo site serves: its directory, plus the generated 20 MiB file on alice. */
export function demoSiteFiles(name: string): Map<string, SiteFile> {
  const files = loadSiteFiles(demoSiteDir(name));
  if (name === 'alice') files.set(BIG_FILE_PATH, siteFile(BIG_FILE_PATH, bigFileBytes()));
  return files;
}

export function demoSiteHandler(name: string, files = demoSiteFiles(name)): HttpHandler {
  return staticHandler(files, name === 'alice' ? aliceRoutes('docs.alice.ton') : {});
}
