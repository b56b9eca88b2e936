/**
 * `npm run bench -- proof`: the CPU cost of trusting a masterchain block (PROOFS.md §2.3), one forward link signed
 * by a subset of 100 validators (all sign: 100 Ed25519 verifications), per Ed25519 backend:
 *   noble     — pure JavaScript (src/net/crypto/ed25519-batch.ts `verifyStrict`)
 *   webcrypto — crypto.subtle Ed25519 (OpenSSL in Node; Chromium ≥ 137 in the service worker), all in parallel
 * and, as the same-run baseline, the same link checked without signatures (proof parsing, ConfigParam 34 of 100,
 * subset shuffle and hash). Figures: wall ms and process CPU ms (all threads, WebCrypto runs on libuv's pool) per
 * link. The synthetic link is built with the test fixtures (tests/unit/lite/proof/chain-fixtures.ts); `mainnet` is
 * the real forward link 27747086 → 27747087 (subset of 100, 96 signatures; tests/unit/lite/proof/vectors).
 */
import { nobleEd25519, webCryptoEd25519, type Ed25519BatchVerifier } from '../src/net/crypto/index.ts';
import { checkForwardLink, linkValidatorSubset, type BlockLinkForward } from '../src/net/lite/proof/index.ts';
import { checkBlockInfoProof } from '../src/net/lite/proof/block-header.ts';
import { proofRoots } from '../src/net/lite/proof/merkle.ts';
import {
  buildBlock,
  forwardLink,
  signatureSet,
  subsetOf,
  validators,
} from '../tests/unit/lite/proof/chain-fixtures.ts';
import mainnetLink from '../tests/unit/lite/proof/vectors/lite-proof-proof.json' with { type: 'json' };
import { liteProofLink } from '../tests/unit/lite/proof/vectors/lite-proof.ts';
import { report } from './harness.ts';

async function measure(fn: () => Promise<unknown>, minMs = 1500): Promise<{ wallMs: number; cpuMs: number }> {
  const warmEnd = performance.now() + 300;
  while (performance.now() < warmEnd) await fn();
  let calls = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    await fn();
    calls++;
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs: Math.round(((now - start) / calls) * 100) / 100,
    cpuMs: Math.round(((cpu.user + cpu.system) / 1000 / calls) * 100) / 100,
  };
}

function realLink(): BlockLinkForward {
  return liteProofLink(mainnetLink);
}

export default async function proofBench(): Promise<void> {
  const verifiers: Ed25519BatchVerifier[] = [nobleEd25519, webCryptoEd25519(globalThis.crypto.subtle)];
  const real = realLink();
  const realBase = await measure(async () => {
    const [dest] = proofRoots(real.dest_proof, 1, 'dest_proof');
    linkValidatorSubset(real, checkBlockInfoProof(dest, real.to).info);
  });
  report({
    bench: 'proof.forwardLink100',
    candidate: 'no-signatures',
    sets: 'mainnet',
    unit: 'ms',
    value: realBase.wallMs,
    cpuMs: realBase.cpuMs,
  });
  for (const verifier of verifiers) {
    await checkForwardLink(real, verifier);
    const r = await measure(() => checkForwardLink(real, verifier));
    report({
      bench: 'proof.forwardLink100',
      candidate: verifier.name,
      sets: 'mainnet',
      unit: 'ms',
      value: r.wallMs,
      cpuMs: r.cpuMs,
      signatures: real.signatures.signatures.length,
    });
  }
  const set = { validators: validators(120, (i) => BigInt(1000 + i)), shuffle: true, main: 100 };
  const key = buildBlock({ seqno: 1000, key: true, utime: 1, ccSeqno: 1, vsetHash: 0, config: set });
  const subset = subsetOf(set, 2);
  for (const simplex of [false, true]) {
    const to = buildBlock({ seqno: 1001, key: false, utime: 2, ccSeqno: 2, vsetHash: subset.hash });
    const link = forwardLink(
      key,
      to,
      false,
      signatureSet(to.id, { signers: subset.nodes, ccSeqno: 2, vsetHash: subset.hash, simplex }),
    );
    const sets = simplex ? 'simplex' : 'ordinary';
    const base = await measure(async () => {
      const [dest] = proofRoots(link.dest_proof, 1, 'dest_proof');
      linkValidatorSubset(link, checkBlockInfoProof(dest, link.to).info);
    });
    report({
      bench: 'proof.forwardLink100',
      candidate: 'no-signatures',
      sets,
      unit: 'ms',
      value: base.wallMs,
      cpuMs: base.cpuMs,
    });
    for (const verifier of verifiers) {
      const checked = await checkForwardLink(link, verifier);
      if (checked.weight?.signatures !== 100)
        throw new Error('proof bench: the link must carry 100 signatures');
      const r = await measure(() => checkForwardLink(link, verifier));
      report({
        bench: 'proof.forwardLink100',
        candidate: verifier.name,
        sets,
        unit: 'ms',
        value: r.wallMs,
        cpuMs: r.cpuMs,
        signatures: 100,
      });
    }
  }
}
