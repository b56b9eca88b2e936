/**
 * ConfigParam 34/28 readers and writers, the masterchain subset, its hash and node ids. Independent checks: the
 * CRC-32C check value of the standard ("123456789" → e3069283) and @ton/core's own crc32c over a buffer laid out
 * here by hand; a real mainnet config (@ton/sandbox's defaultConfig, 2025-10: ConfigParams 32/34/36 with 400/390/397
 * validators, `validators_ext` with declared total weights, `catchain_config_new` with the shuffle flag) that the
 * reader must accept exactly as the C++ node does. No published vector of the PRNG shuffle or of a real
 * header's validator-set hash together with its ConfigParam 34 was found (see the report).
 */
import { beginCell, Cell, crc32c as coreCrc32c, Dictionary } from '@ton/core';
import { defaultConfig } from '@ton/sandbox/dist/config/defaultConfig.js';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32c, keyPairFromSeed, sha256 } from '../../../../src/net/crypto/index.ts';
import { ProofError } from '../../../../src/net/lite/proof/errors.ts';
import {
  buildCatchainConfig,
  buildValidatorSet,
  masterchainSubset,
  nodeIdShort,
  parseCatchainConfig,
  parseValidatorSet,
  validatorSetHash,
  ValidatorSetPrng,
  type ValidatorEntry,
} from '../../../../src/net/lite/proof/validator-set.ts';

const key = (i: number) => keyPairFromSeed(sha256(new Uint8Array([i, 1, 2, 3]))).publicKey;
const validators = (n: number, adnl = true): ValidatorEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    publicKey: key(i),
    weight: BigInt(1000 + i),
    adnlAddr: adnl && i % 2 === 0 ? sha256(new Uint8Array([i])) : undefined,
  }));

function expectProofError(run: () => unknown, code: string): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProofError);
    expect((error as ProofError).code).toBe(code);
    return;
  }
  throw new Error('expected a ProofError');
}

describe('crc32c', () => {
  it('has the standard check value and agrees with @ton/core', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(crc32c(data)).toBe(coreCrc32c(Buffer.from(data)).readUInt32LE(0));
      }),
      { numRuns: 100 },
    );
  });
});

describe('ConfigParam 34 / 28', () => {
  it('reads back what the writers write (validators_ext and validators, #53 and #73)', () => {
    for (const ext of [true, false]) {
      const list = validators(7);
      const cell = buildValidatorSet({ utimeSince: 100, utimeUntil: 200, validators: list, main: 5, ext });
      const vset = parseValidatorSet(cell);
      expect(vset).toMatchObject({ utimeSince: 100, utimeUntil: 200, total: 7, main: 5 });
      expect(vset.totalWeight).toBe(list.reduce((s, v) => s + v.weight, 0n));
      vset.list.forEach((d, i) => {
        expect(d.publicKey).toEqual(list[i].publicKey);
        expect(d.weight).toBe(list[i].weight);
        expect(d.adnlAddr).toEqual(list[i].adnlAddr ?? new Uint8Array(32));
      });
    }
    expect(parseCatchainConfig(buildCatchainConfig({ shuffleMcValidators: true }))).toEqual({
      shuffleMcValidators: true,
    });
    expect(parseCatchainConfig(buildCatchainConfig({ shuffleMcValidators: false }))).toEqual({
      shuffleMcValidators: false,
    });
    expect(parseCatchainConfig(buildCatchainConfig({ legacy: true }))).toEqual({
      shuffleMcValidators: false,
    });
    // absent or unreadable: the C++ defaults (no shuffle)
    expect(parseCatchainConfig(null)).toEqual({ shuffleMcValidators: false });
    expect(
      parseCatchainConfig(beginCell().storeUint(0xc2, 8).storeUint(1, 7).storeBit(true).endCell()),
    ).toEqual({
      shuffleMcValidators: false,
    });
  });

  it('accepts the real mainnet config of @ton/sandbox (ConfigParams 32, 34, 36, 28)', () => {
    const root = Cell.fromBase64(defaultConfig);
    const params = Dictionary.loadDirect(
      Dictionary.Keys.Int(32),
      Dictionary.Values.Cell(),
      root.beginParse(),
    );
    const seen: Record<number, [number, number]> = { 32: [400, 100], 34: [390, 100], 36: [397, 100] };
    for (const [p, [total, main]] of Object.entries(seen)) {
      const vset = parseValidatorSet(params.get(Number(p))!);
      expect([vset.total, vset.main, vset.list.length]).toEqual([total, main, total]);
      expect(vset.list.reduce((s, v) => s + v.weight, 0n)).toBe(vset.totalWeight);
      expect(vset.utimeUntil).toBeGreaterThan(vset.utimeSince);
    }
    const cc = parseCatchainConfig(params.get(28)!);
    expect(cc.shuffleMcValidators).toBe(true);
    const vset = parseValidatorSet(params.get(34)!);
    const subset = masterchainSubset(vset, cc, 12345);
    expect(subset).toHaveLength(100);
    // the shuffle takes the first `main` validators, each once
    const head = new Set(vset.list.slice(0, 100));
    expect(new Set(subset).size).toBe(100);
    for (const v of subset) expect(head.has(v)).toBe(true);
  });

  it('refuses what unpack_validator_set refuses', () => {
    const list = validators(3);
    const zero = [...list.slice(0, 2), { ...list[2], weight: 1n }];
    const withZero = buildValidatorSet({ utimeSince: 0, utimeUntil: 1, validators: zero });
    // patch the last weight to 0 by rebuilding the dictionary by hand
    const dict = Dictionary.empty(Dictionary.Keys.Uint(16), Dictionary.Values.Cell());
    zero.forEach((v, i) =>
      dict.set(
        i,
        beginCell()
          .storeUint(0x53, 8)
          .storeUint(0x8e81278a, 32)
          .storeBuffer(Buffer.from(v.publicKey))
          .storeUint(i === 2 ? 0n : v.weight, 64)
          .endCell(),
      ),
    );
    const handBuilt = (total: number, main: number, declared: bigint, d = dict) =>
      beginCell()
        .storeUint(0x12, 8)
        .storeUint(0, 32)
        .storeUint(1, 32)
        .storeUint(total, 16)
        .storeUint(main, 16)
        .storeUint(declared, 64)
        .storeDict(d, Dictionary.Keys.Uint(16), {
          serialize: (c: Cell, b) => b.storeSlice(c.beginParse()),
          parse: () => {
            throw new Error('unused');
          },
        })
        .endCell();
    expect(parseValidatorSet(withZero).list).toHaveLength(3);
    expectProofError(() => parseValidatorSet(handBuilt(3, 3, 2000n)), 'validator-set'); // zero weight
    const good = Dictionary.empty(Dictionary.Keys.Uint(16), Dictionary.Values.Cell());
    [0, 1].forEach((i) => good.set(i, dict.get(i)!));
    expect(parseValidatorSet(handBuilt(2, 2, list[0].weight + list[1].weight, good)).total).toBe(2);
    expectProofError(() => parseValidatorSet(handBuilt(2, 2, 5n, good)), 'validator-set'); // declared total
    expectProofError(() => parseValidatorSet(handBuilt(2, 2, 0n, good)), 'validator-set'); // zero declared
    expectProofError(() => parseValidatorSet(handBuilt(3, 2, 2001n, good)), 'validator-set'); // max key != total-1
    expectProofError(() => parseValidatorSet(handBuilt(2, 3, 2001n, good)), 'validator-set'); // main > total
    const gap = Dictionary.empty(Dictionary.Keys.Uint(16), Dictionary.Values.Cell());
    gap.set(0, dict.get(0)!);
    gap.set(2, dict.get(1)!);
    expectProofError(() => parseValidatorSet(handBuilt(3, 1, 2001n, gap)), 'validator-set'); // key 1 missing
    const badKey = Dictionary.empty(Dictionary.Keys.Uint(16), Dictionary.Values.Cell());
    badKey.set(
      0,
      beginCell().storeUint(0x53, 8).storeUint(0x12345678, 32).storeUint(0, 256).storeUint(5, 64).endCell(),
    );
    expectProofError(() => parseValidatorSet(handBuilt(1, 1, 5n, badKey)), 'validator-set');
  });

  it('never throws anything but a ProofError on random cells', () => {
    const cellArb = fc
      .tuple(fc.uint8Array({ maxLength: 127 }), fc.array(fc.uint8Array({ maxLength: 127 }), { maxLength: 4 }))
      .map(([bits, refs]) => {
        const b = beginCell().storeBuffer(Buffer.from(bits));
        for (const r of refs) b.storeRef(beginCell().storeBuffer(Buffer.from(r)).endCell());
        return b.endCell();
      });
    const tagged = fc
      .tuple(fc.constantFrom(0x11, 0x12), fc.uint8Array({ minLength: 12, maxLength: 60 }), cellArb)
      .map(([tag, rest, ref]) =>
        beginCell().storeUint(tag, 8).storeBuffer(Buffer.from(rest)).storeRef(ref).storeRef(ref).endCell(),
      );
    fc.assert(
      fc.property(fc.oneof(cellArb, tagged), (cell) => {
        try {
          parseValidatorSet(cell);
        } catch (error) {
          expect(error).toBeInstanceOf(ProofError);
        }
        try {
          parseCatchainConfig(cell);
        } catch (error) {
          expect(error).toBeInstanceOf(ProofError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('masterchain subset, hash, node id', () => {
  it('the PRNG follows mc-config.h: SHA-512 of the descriptor, seed incremented after each hash', () => {
    const prng = new ValidatorSetPrng(7);
    const descr = new Uint8Array(48);
    const view = new DataView(descr.buffer);
    view.setBigUint64(32, 0x8000000000000000n);
    view.setInt32(40, -1);
    view.setUint32(44, 7);
    const words = (seedLast: number) => {
      const d = descr.slice();
      d[31] = seedLast;
      const h = new Uint8Array(createHash('sha512').update(d).digest());
      return Array.from({ length: 8 }, (_, i) => new DataView(h.buffer).getBigUint64(i * 8));
    };
    const expected = [...words(0), ...words(1), ...words(2)];
    for (const w of expected) expect(prng.nextU64()).toBe(w);
    expect(new ValidatorSetPrng(7).nextRanged(10n)).toBe((10n * expected[0]) >> 64n);
  });

  it('shuffles a permutation of the head and takes the head in order without the flag', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.nat(),
        (total, m, cc) => {
          const main = Math.min(m, total);
          const vset = parseValidatorSet(
            buildValidatorSet({ utimeSince: 0, utimeUntil: 1, validators: validators(total), main }),
          );
          const plain = masterchainSubset(vset, { shuffleMcValidators: false }, cc);
          expect(plain).toEqual(vset.list.slice(0, main));
          const shuffled = masterchainSubset(vset, { shuffleMcValidators: true }, cc);
          expect(new Set(shuffled)).toEqual(new Set(plain));
          expect(shuffled).toHaveLength(main);
          expect(masterchainSubset(vset, { shuffleMcValidators: true }, cc)).toEqual(shuffled);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hashes the layout of compute_validator_set_hash (checked with @ton/core crc32c)', () => {
    const vset = parseValidatorSet(
      buildValidatorSet({ utimeSince: 0, utimeUntil: 1, validators: validators(5) }),
    );
    const buf = Buffer.alloc(12 + 5 * 72);
    buf.writeInt32LE(-1877581587, 0);
    buf.writeUInt32LE(0xdeadbeef, 4);
    buf.writeUInt32LE(5, 8);
    vset.list.forEach((v, i) => {
      Buffer.from(v.publicKey).copy(buf, 12 + i * 72);
      buf.writeBigUInt64LE(v.weight, 12 + i * 72 + 32);
      Buffer.from(v.adnlAddr).copy(buf, 12 + i * 72 + 40);
    });
    expect(validatorSetHash(vset.list, 0xdeadbeef)).toBe(coreCrc32c(buf).readUInt32LE(0));
  });

  it('node id short is sha256(c6b41348 || key)', () => {
    const k = key(9);
    expect(nodeIdShort(k)).toEqual(sha256(new Uint8Array([0xc6, 0xb4, 0x13, 0x48, ...k])));
  });
});
