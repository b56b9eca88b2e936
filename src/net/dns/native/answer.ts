/** What a native dnsresolve returns before it becomes a DnsresolveAnswer: resolved bits and the cell (or null). */
import type { Cell } from '@ton/core';

export interface NativeResult {
  resolvedBits: number;
  result: Cell | null;
}
