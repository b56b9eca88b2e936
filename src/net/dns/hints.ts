/**
 * Network hints for the resolution walk: the contracts a network's DNS chain is expected to pass through, so the
 * walk can ask every hop at once instead of one round trip after another (walk.ts). Hints are never trusted:
 * a speculative answer is used only when the real chain leads to the same contract with the same question on
 * the same state, so a wrong or stale hint costs wasted queries, never a wrong answer.
 *
 *   root     the root resolver (ConfigParam 4 is still read at every snapshot)
 *   zones    per zone (`ton`, `t.me`): the resolver the root names for it (the zone's dns-contract collection)
 *            and, when known, the code of its domain items, so the item of `alice` is computable
 *            (item-address.ts, DIGEST §9.1)
 *
 * Hosts pick hints with dnsHintsForConfig(globalConfig): a `dns_hints` section of the config (the devnet writes
 * one, see dnsHintsToJson for its form) or, for the public networks, the tables below chosen by the zero
 * state's file hash.
 */
import { Address, Cell } from '@ton/core';
import { base64Decode, base64Encode } from '../transport/index.ts';
import { asBuffer } from './bytes.ts';
import { normalizeDnsName } from './name.ts';
import { MAX_ITEM_CODE_BYTES, MAX_ZONES } from './limits.ts';

export interface DnsZoneHint {
  /** The resolver the root is expected to name for the zone (dns_next_resolver of `\0ton`). */
  resolver: Address;
  /** Code of the zone's domain items (dns-contract nft-item), when known. */
  itemCode?: Cell;
}

export interface DnsHints {
  root?: Address;
  /** By zone name, normalized (`ton`, `t.me`). */
  zones?: Record<string, DnsZoneHint>;
}

/** What a `dns_hints` global-config section looks like (addresses raw `wc:hex`, item code a base64 BoC). */
export interface DnsHintsJson {
  root?: string;
  zones?: Record<string, { resolver: string; item_code?: string }>;
}

export class DnsHintsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`DNS hints: ${message}`, options);
    this.name = 'DnsHintsError';
  }
}

/**
 * Mainnet. Sources: ../shared/spec/dns.json and DIGEST §9.1. The root is ConfigParam 4 of mainnet; the .ton and
 * .t.me collections are the first two addresses of the root's data (dns.json `root_dns.data_boc_hex_computed`,
 * which with the root code hashes exactly to the root address, so these are what the deployed root names).
 * No item code: mainnet's .ton items run a build (code hash 8b5ffc9e…) whose BoC our sources do not have,
 * so the item hop is asked once the collection has named it.
 */
export const MAINNET_ZERO_STATE_FILE_HASH = 'XplPz01CXAps5qeSWUtxcyBfdAo5zVb1N979KLSKD24=';
export const MAINNET_DNS_HINTS: DnsHints = {
  root: Address.parseRaw('-1:e56754f83426f69b09267bd876ac97c44821345b7e266bd956a7bfbfb98df35c'),
  zones: {
    ton: { resolver: Address.parseRaw('0:b774d95eb20543f186c06b371ab88ad704f7e256130caf96189368a7d0cb6ccf') },
    't.me': {
      resolver: Address.parseRaw('0:80d78a35f955a14b679faa887ff4cd5bfc0f43b4a4eea2a7e6927f3701b273c2'),
    },
  },
};

/**
 * Testnet (zero state of ../shared/spec/global-config-testnet.json). The .ton collection kQDjPtM6… and its item
 * code are from dns.json (`dns_item.code_boc_hex_candidate`, byte for byte): a collection with dns.json's
 * collection code, this item code and content "https://dns.ton.org/collection.json" hashes exactly to the
 * testnet collection address (checked by src/devnet/dns/contracts.ts and tests/unit/dns/hints.test.ts), so this
 * is the code of every testnet .ton item. The testnet root address is not in our sources: its hop waits for
 * ConfigParam 4.
 */
export const TESTNET_ZERO_STATE_FILE_HASH = 'Z+IKwYS54DmmJmesw/nAD5DzWadnOCMzee+kdgSYDOg=';
const TESTNET_ITEM_CODE_BOC =
  'te6cckECKAEABpgAART/APSkE/S88sgLAQIBYgIDAgLMBAUCASAeHwIBIAYHAgFIGBkCASAICQIBWBYXAgEgCgsADUcMjLAcnQgB9z4J28QAtDTAwFxsJJfBOD6QPpAMfoAMXHXIfoAMfoAMPAKJ7OOTl8FbCI0UjLHBfLhlQH6QNQwbXDIywf0AMn4I4IQYuRAaaGCCCeNAKkEIMIMkzCADN6BASyBAPBYqIAMqQSh+CMBoPACRHfwCRA1+CPwC+BTWccFGLCAMABE+kQwcLry4U2AD+I40EJtfC/pAMHAg+CVtgEBwgBDIywVQB88WUAX6AhXLahLLH8s/Im6zlFjPFwGRMuIByQH7AOApxwCRcJUJ0x9QquIh8Aj4IyG8JMAAjp40Ojo7jhY2Njc3N1E1xwXy4ZYQJRAkECP4I/AL4w7gMQ3TPyVusx+wkmwh4w0NDg8A/jAmgGmAZKmEUrC+8uGXghA7msoAUqChUnC8mTaCEDuaygAZoZM5CAXiIMIAjjKCEFV86iD4JRA5bXFwgBDIywVQB88WUAX6AhXLahLLH8s/Im6zlFjPFwGRMuIByQH7AJIwNuKAPCP4I6GhIMIAkxOgApEw4kR08AkQJPgj8AsA0jQ2U82hghA7msoAUhChUnC8mTaCEDuaygAWoZIwBeIgwgCON4IQNw/sUW1yKVE0VEdDcIAQyMsFUAfPFlAF+gIVy2oSyx/LPyJus5RYzxcBkTLiAckB+wAcoQuRMOJtVHdlVHdjLvALAgTIghBfzD0UUiC6jpUxNztTcscF8uGREJoQSRA4RwZAFQTgghAaC51RUiC6jhlbMjU1NzdRNccF8uGaA9QwQBUEUDP4I/AL4CGCEE6x8Pm64wI7IIIQRL6uQbrjAjgnghBO0UtluhMQERIAiFs2Njg4UUfHBfLhmwTT/yDXSsIAB9DTBwHAAPLhnPQEMAeY1DBAFoMH9BeYMFAFgwf0WzDicMjLB/QAyRA1QBT4I/ALAf4wNjokbvLhnYBQ+DPQ9AQwUkCDB/QOb6Hy4Z/TByHAACLAAbHy4aAhwACOkSQQmxBoUXoQVxBGEFxDFEzdljAQOjlfB+IBwAGOMnCCEDcP7FFYbYEAoHCAEMjLBVAHzxZQBfoCFctqEssfyz8ibrOUWM8XAZEy4gHJAfsAkVviEwH+jno3+CNQBqGBAli8Bm4WsPLhniPQ10n4I/AHUpC+8uGXUXihghA7msoAoSDCAI4yECeCEE7RS2VYB21ycIAQyMsFUAfPFlAF+gIVy2oSyx/LPyJus5RYzxcBkTLiAckB+wCTMDU14vgjgQEsoPACRHfwCRBFEDQS+CPwC+BfBBUB8DUC+kAh8AH6QNIAMfoAghA7msoAHaEhlFMUoKHeItcLAcMAIJIFoZE14iDC//LhkiGOPoIQBRONkchQC88WUA3PFnEkSxRUSMBwgBDIywVQB88WUAX6AhXLahLLH8s/Im6zlFjPFwGRMuIByQH7ABBplBAsOVviARQAio41KPABghDVMnbbEDlGCW1xcIAQyMsFUAfPFlAF+gIVy2oSyx/LPyJus5RYzxcBkTLiAckB+wCTODQw4hBFEDQS+CPwCwCaMjU1ghAvyyaiuo46cIIQi3cXNQTIy/9QBc8WFEMwgEBwgBDIywVQB88WUAX6AhXLahLLH8s/Im6zlFjPFwGRMuIByQH7AOBfBIQP8vAAkwgwASWMIED6IBk4CDABZYwgQH0gDLgIMAGljCBAZCAKOAgwAeWMIEBLIAe4CDACJYwgQDIgBTgIMAJlDCAZHrgwAqTgDJ14HpxgAGkAasC8AYBghA7msoAqAGCEDuaygCoAoIQYuRAaaGCCCeNAKkEIMIVkVvgbBKWp1qAZKkE5IAIBIBobAgEgHB0AIQgbpQwbXAg4ND6QPoA0z8wgABcyFADzxYB+gLLP8mAAUTtRNDT//pAINdJwgCffwH6QNTU9ATTPzAQVxBW4DBwbW1tbSQQVxBWgACsBsjL/1AFzxZQA88WzMz0AMs/ye1UgAgEgICECASAkJQATu7OfAKF18H8AiAICdCIjABCodPAKEEdfBwAMqVnwCmxxAA24/P8ApfA4AgEgJicAE7ZKXgFCBOvg+hAAx7RhhDrpJA8VIRgAHlwI3gFCBuvg+hpg4DgAHlwznoCGAHrhQPgAHlwzuEERxGYQXgM+BIg9yxH7ZN3ElkrRuga4eSQNwjVy83zFyqqxQ6L/+8QYABJmDwA8ADBg/oHt9CYPADBusVg8';

export const TESTNET_DNS_HINTS: DnsHints = {
  zones: {
    ton: {
      resolver: Address.parse('kQDjPtM6QusgMgWfl9kMcG-EALslbTITnKcH8VZK1pnH3f3K'),
      itemCode: Cell.fromBoc(asBuffer(base64Decode(TESTNET_ITEM_CODE_BOC)))[0],
    },
  },
};

function parseAddress(text: unknown, what: string): Address {
  if (typeof text !== 'string') throw new DnsHintsError(`${what} must be an address string`);
  try {
    return Address.isRaw(text) ? Address.parseRaw(text) : Address.parse(text);
  } catch (error) {
    throw new DnsHintsError(`${what} is not an address: ${text.slice(0, 80)}`, { cause: error });
  }
}

function parseItemCode(text: unknown, what: string): Cell {
  if (typeof text !== 'string') throw new DnsHintsError(`${what} must be a base64 BoC`);
  if (text.length > (MAX_ITEM_CODE_BYTES * 4) / 3 + 4) throw new DnsHintsError(`${what} is too large`);
  try {
    const cells = Cell.fromBoc(asBuffer(base64Decode(text)));
    if (cells.length !== 1) throw new DnsHintsError(`${what} must hold one root cell`);
    return cells[0];
  } catch (error) {
    if (error instanceof DnsHintsError) throw error;
    throw new DnsHintsError(`${what} is not a BoC: ${(error as Error).message}`, { cause: error });
  }
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parses a `dns_hints` section. DnsHintsError on anything malformed. */
export function dnsHintsFromJson(json: unknown): DnsHints {
  if (!isObject(json)) throw new DnsHintsError('the section must be an object');
  const hints: DnsHints = {};
  if (json.root !== undefined) {
    hints.root = parseAddress(json.root, 'root');
    if (hints.root.workChain !== -1) throw new DnsHintsError('the root must be in the masterchain');
  }
  if (json.zones !== undefined) {
    if (!isObject(json.zones)) throw new DnsHintsError('zones must be an object');
    const entries = Object.entries(json.zones);
    if (entries.length > MAX_ZONES) throw new DnsHintsError(`more than ${MAX_ZONES} zones`);
    hints.zones = {};
    for (const [name, zone] of entries) {
      let zoneName: string;
      try {
        zoneName = normalizeDnsName(name);
      } catch (error) {
        throw new DnsHintsError(`zone ${JSON.stringify(name.slice(0, 80))} is not a name`, { cause: error });
      }
      if (!isObject(zone)) throw new DnsHintsError(`zone ${zoneName} must be an object`);
      const hint: DnsZoneHint = { resolver: parseAddress(zone.resolver, `zone ${zoneName} resolver`) };
      if (zone.item_code !== undefined)
        hint.itemCode = parseItemCode(zone.item_code, `zone ${zoneName} item_code`);
      hints.zones[zoneName] = hint;
    }
  }
  return hints;
}

/** The `dns_hints` section for `hints` (what the devnet writes into its global config). */
export function dnsHintsToJson(hints: DnsHints): DnsHintsJson {
  const json: DnsHintsJson = {};
  if (hints.root) json.root = hints.root.toRawString();
  if (hints.zones) {
    json.zones = {};
    for (const [name, zone] of Object.entries(hints.zones)) {
      json.zones[name] = {
        resolver: zone.resolver.toRawString(),
        ...(zone.itemCode && { item_code: base64Encode(zone.itemCode.toBoc()) }),
      };
    }
  }
  return json;
}

/**
 * The hints for the network of a global config: its `dns_hints` section when it has one, else the public
 * network recognised by `validator.zero_state.file_hash`, else null. A malformed section counts as none
 * (hints only make the walk faster; use dnsHintsFromJson to see the error).
 */
export function dnsHintsForConfig(config: unknown): DnsHints | null {
  if (!isObject(config)) return null;
  if (config.dns_hints !== undefined) {
    try {
      return dnsHintsFromJson(config.dns_hints);
    } catch {
      return null;
    }
  }
  const validator = config.validator;
  const zero = isObject(validator) ? validator.zero_state : undefined;
  const fileHash = isObject(zero) ? zero.file_hash : undefined;
  if (fileHash === MAINNET_ZERO_STATE_FILE_HASH) return MAINNET_DNS_HINTS;
  if (fileHash === TESTNET_ZERO_STATE_FILE_HASH) return TESTNET_DNS_HINTS;
  return null;
}
