/**
 * src/devnet/sites: demo TON Sites served over RLDP from directories (the server side of src/net/http), and their
 * DevnetPlugin. Content lives in src/devnet/sites/<name>/; alice also serves a generated 20 MiB /big.bin.
 */
export { startSiteServer, type SiteServer, type SiteServerOptions } from './site-server.ts';
export {
  DEMO_SITES,
  demoSiteDir,
  demoSiteFiles,
  demoSiteHandler,
  demoSiteKey,
  demoSiteProfile,
  demoSitesWithKinds,
  type DemoSiteSpec,
} from './demo-sites.ts';
export {
  devnetSitesPlugin,
  siteEndpoint,
  type DevnetSitesOptions,
  type DevnetSitesPlugin,
  type SiteEndpoint,
} from './plugin.ts';
export {
  contentTypeOf,
  loadSiteFiles,
  serveFile,
  siteFile,
  staticHandler,
  type Routes,
  type SiteFile,
} from './static-site.ts';
export { DEMO_COOKIES, aliceRoutes } from './demo-routes.ts';
export { BIG_FILE_PATH, BIG_FILE_SIZE, bigFileBytes, generateBigFile } from './big-file.ts';
export {
  LARGE_FILE_DEFAULT_SIZE,
  LARGE_FILE_PATH,
  largeFileChunks,
  largeFileName,
  largeFileSha256,
} from './large-file.ts';
