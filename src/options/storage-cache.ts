/**
 * Text for the TON Storage piece cache (the service worker's IndexedDB of verified bag pieces), shared by the
 * options page and the popup's one-line summary.
 */
import type { StorageCacheStats } from '../background/messages.ts';

/** 1536 → "1.5 KiB", 134217728 → "128 MiB" (one decimal, none when it is .0). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KiB'] : [bytes / 1024 / 1024, 'MiB'];
  return `${value.toFixed(1).replace(/\.0$/, '')} ${unit}`;
}

/** "3.2 MiB of 128 MiB" */
export function storageCacheUsage(stats: StorageCacheStats): string {
  return `${formatSize(stats.bytes)} of ${formatSize(stats.limitBytes)}`;
}

/** "12 pieces, 1 bag" */
export function storageCacheCounts(stats: StorageCacheStats): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(stats.pieces, 'piece')}, ${plural(stats.bags, 'bag')}`;
}
