/** Get-method ids (DIGEST §3): `(crc16_xmodem(utf8 name) & 0xffff) | 0x10000`, e.g. dnsresolve → 123660. */
import { crc16 } from '../crypto/index.ts';

const utf8 = new TextEncoder();

export function getMethodId(name: string): number {
  return (crc16(utf8.encode(name)) & 0xffff) | 0x10000;
}
