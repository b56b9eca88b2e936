/** ConfigParam 4 (block.tlb `_ dns_root_addr:bits256 = ConfigParam 4`): the root resolver, in the masterchain. */
import { Address, beginCell, type Cell } from '@ton/core';
import { asBuffer } from './bytes.ts';
import { DnsSourceError } from './errors.ts';

export const DNS_ROOT_CONFIG_PARAM = 4;

export function dnsRootFromConfigParam(cell: Cell, source = 'config'): Address {
  const s = cell.beginParse();
  if (s.remainingBits < 256)
    throw new DnsSourceError(source, `ConfigParam 4 has ${s.remainingBits} bits, 256 expected`);
  return new Address(-1, s.loadBuffer(32));
}

export function dnsRootConfigParam(root: Address): Cell {
  if (root.workChain !== -1) throw new DnsSourceError('config', 'the DNS root must be in the masterchain');
  return beginCell().storeBuffer(asBuffer(root.hash)).endCell();
}
