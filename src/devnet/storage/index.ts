/**
 * src/devnet/storage: TON Storage on the devnet — seeders (the server side of src/net/storage over ADNL-UDP and
 * RLDP) seeding the demo bags (the static site of static.ton, a generated 20 MiB file), published in the devnet
 * DHT, as a DevnetPlugin.
 */
export {
  DEMO_FILE_BAG_NAME,
  DEMO_FILE_BAG_SIZE,
  DEMO_SITE_BAG_DESCRIPTION,
  DEMO_SITE_BAG_DIR,
  DEMO_SITE_BAG_DOMAIN,
  demoBags,
  demoFileBag,
  demoFileBytes,
  demoSiteBag,
  type DemoBag,
} from './demo-bags.ts';
export { startSeeder, type Seeder, type SeederOptions } from './seeder.ts';
export {
  demoSeederKey,
  devnetStoragePlugin,
  type DevnetStorageOptions,
  type DevnetStoragePlugin,
} from './plugin.ts';
