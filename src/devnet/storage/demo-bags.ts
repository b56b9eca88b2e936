/**
 * The devnet's demo bags: the static site in src/devnet/storage/site/ (static.ton's site record names its bag id,
 * src/devnet/dns/demo-domains.json) and a 20 MiB file generated at start (deterministic, never committed). Both
 * are built with the same code as `tonsite bag create`, so their ids are the same on every run.
 */
import { fileURLToPath } from 'node:url';
import { createBag, type BuiltBag } from '../../net/storage/index.ts';
import { createBagFromDir } from '../../node/commands/bag.ts';
import { generateBigFile } from '../sites/big-file.ts';
import { largeFileChunks } from '../sites/large-file.ts';

export const DEMO_SITE_BAG_DIR = fileURLToPath(new URL('./site/', import.meta.url));
export const DEMO_SITE_BAG_DESCRIPTION = 'tonsite devnet: static.ton';
/** The DNS name whose site and storage records point at the site bag. */
export const DEMO_SITE_BAG_DOMAIN = 'static.ton';

export const DEMO_FILE_BAG_NAME = 'big.bin';
export const DEMO_FILE_BAG_SIZE = 20 * 1024 * 1024;
/** Not the seed of alice's /big.bin: the two 20 MiB files differ. */
const DEMO_FILE_SEED = 0xba65eed;

export interface DemoBag {
  /** 'site' or 'file'. */
  name: string;
  bag: BuiltBag;
  domain?: string;
}

let site: BuiltBag | null = null;
let file: BuiltBag | null = null;

/** `tonsite bag create src/devnet/storage/site --description "tonsite devnet: static.ton"`. */
export function demoSiteBag(): BuiltBag {
  site ??= createBagFromDir(DEMO_SITE_BAG_DIR, { description: DEMO_SITE_BAG_DESCRIPTION, dirName: 'site/' });
  return site;
}

/** The 20 MiB file's bytes (generated once per process). */
export function demoFileBytes(): Uint8Array {
  return demoFileBag().files[0].data;
}

export function demoFileBag(): BuiltBag {
  file ??= createBag(
    [{ name: DEMO_FILE_BAG_NAME, data: generateBigFile(DEMO_FILE_BAG_SIZE, DEMO_FILE_SEED) }],
    {
      description: 'tonsite devnet: a 20 MiB file',
    },
  );
  return file;
}

/** A bag of one generated file of `size` bytes (`large.bin`, the bytes of alice.ton's /large.bin?bytes=size). */
export function largeFileBag(size: number): DemoBag {
  const data = new Uint8Array(size);
  let at = 0;
  for (const chunk of largeFileChunks(size)) {
    data.set(chunk, at);
    at += chunk.length;
  }
  return {
    name: 'large',
    bag: createBag([{ name: 'large.bin', data }], { description: `tonsite devnet: a ${size}-byte file` }),
  };
}

export function demoBags(): DemoBag[] {
  return [
    { name: 'site', bag: demoSiteBag(), domain: DEMO_SITE_BAG_DOMAIN },
    { name: 'file', bag: demoFileBag() },
  ];
}
