/**
 * BlockTrust: proven masterchain blocks for the state proofs (TrustedBlockProvider, PROOFS.md §2). From the newest
 * anchor (anchors.ts) it asks a liteserver for `getBlockProof` (mode 0: up to the server's last block), at most
 * 16 links an answer, re-asking from where an incomplete answer stopped, verifies every link (chain.ts, links.ts),
 * stores the newest key block seen (as tonlib's `LastBlock` keeps `last_key_block_id`), proves the last block's
 * header with its state hash (`getBlockHeader` mode 1: dest_proofs keep no state_update) and refuses a last block
 * older than `maxAgeSeconds`. Nothing a server says about "its last block" is trusted before that.
 *
 * Freshness (the only defense against a server replaying an old, validly signed block; neither C++ nor tonutils-go
 * checks it, PROOFS.md §7): 180 s by default — mainnet makes a block about every second and the devnet every 2 s,
 * so an honest server is seconds behind; the rest covers a client clock off by a minute or two.
 */
import { platformEd25519, type Ed25519BatchVerifier } from '../../crypto/index.ts';
import type { BlockIdExt, LiteClient } from '../client.ts';
import { anchorCandidates, MemoryAnchorStore, type AnchorStore, type ConfigAnchors } from './anchors.ts';
import { checkBlockHeaderProof, describeId, type ProvenBlockHeader } from './block-header.ts';
import { checkPartialBlockProof, MAX_LINKS_PER_ANSWER } from './chain.ts';
import { ProofError } from './errors.ts';
import { proofRoots } from './merkle.ts';
import { sameBlockId } from '../client.ts';
import type { TrustAnchorRef, TrustedBlock, TrustedBlockProvider } from './trusted-block.ts';

export interface BlockTrustOptions {
  /** The network's config anchors (`configAnchors(globalConfig.validator)`). */
  config: ConfigAnchors;
  /** Where the newest verified key block is kept between runs (default: in memory). */
  store?: AnchorStore;
  /** Ed25519 backend (default: `platformEd25519()`, WebCrypto where it works, else noble). */
  verifier?: Ed25519BatchVerifier;
  /** Refuse a last block whose gen_utime is older than this (default 180 s). */
  maxAgeSeconds?: number;
  /** Reuse a client's trusted block for this long before asking it again (default 1000 ms; 0 = always ask). */
  cacheMs?: number;
  /** getBlockProof answers per sync at most (default 64, i.e. ≤ 1024 links). */
  maxRounds?: number;
  /** Unix time in seconds (tests). */
  now?: () => number;
  /** Per-query options for the lite calls. */
  timeoutMs?: number;
}

export interface BlockTrustStats {
  rounds: number;
  links: number;
}

interface InflightSync {
  promise: Promise<TrustedBlock>;
  /** The block the server's complete answer ends at (unverified until `promise` resolves). */
  candidate: BlockIdExt | null;
  listeners: ((id: BlockIdExt) => void)[];
}

export class BlockTrust implements TrustedBlockProvider {
  private readonly config: ConfigAnchors;
  private readonly store: AnchorStore;
  private readonly maxAgeSeconds: number;
  private readonly cacheMs: number;
  private readonly maxRounds: number;
  private readonly now: () => number;
  private readonly timeoutMs: number | undefined;
  private verifier: Ed25519BatchVerifier | undefined;
  private readonly inflight = new Map<LiteClient, InflightSync>();
  /**
   * The last trusted block per client: trust in a block holds for every server, but a server a block behind may
   * not have the block another server proved yet, so each is asked about its own.
   */
  private readonly cached = new WeakMap<LiteClient, { block: TrustedBlock; at: number }>();
  /** The last sync's cost, for the CLI and the bench. */
  lastStats: BlockTrustStats = { rounds: 0, links: 0 };

  constructor(options: BlockTrustOptions) {
    this.config = options.config;
    this.store = options.store ?? new MemoryAnchorStore();
    this.verifier = options.verifier;
    this.maxAgeSeconds = options.maxAgeSeconds ?? 180;
    this.cacheMs = options.cacheMs ?? 1000;
    this.maxRounds = options.maxRounds ?? 64;
    this.now = options.now ?? (() => Date.now() / 1000);
    this.timeoutMs = options.timeoutMs;
  }

  /** The anchor a sync starts from now: the newest of config, compiled-in and stored. */
  async anchor(): Promise<TrustAnchorRef> {
    const stored = await this.store.load();
    return anchorCandidates(this.config, stored)[0];
  }

  /**
   * `onCandidate` hears the block the chain will end at as soon as the server's complete answer names it — before
   * anything is verified — so a caller can ask for states at that block in the same round trip as the header
   * (ProvenDnsSource does, and verifies them against the returned TrustedBlock). Not called for a cached block.
   */
  trustedBlock(client: LiteClient, onCandidate?: (id: BlockIdExt) => void): Promise<TrustedBlock> {
    const cached = this.cached.get(client);
    if (cached && this.now() * 1000 - cached.at < this.cacheMs && this.fresh(cached.block.header)) {
      return Promise.resolve(cached.block);
    }
    let pending = this.inflight.get(client);
    if (!pending) {
      const sync: InflightSync = { promise: null!, candidate: null, listeners: [] };
      sync.promise = this.sync(client, (id) => {
        sync.candidate = id;
        for (const listen of sync.listeners.splice(0)) listen(id);
      }).finally(() => this.inflight.delete(client));
      this.inflight.set(client, (pending = sync));
    }
    if (onCandidate) {
      if (pending.candidate) onCandidate(pending.candidate);
      else pending.listeners.push(onCandidate);
    }
    return pending.promise;
  }

  private fresh(header: ProvenBlockHeader): boolean {
    return this.now() - header.info.genUtime <= this.maxAgeSeconds;
  }

  private async sync(client: LiteClient, onCandidate: (id: BlockIdExt) => void): Promise<TrustedBlock> {
    const verifier = (this.verifier ??= await platformEd25519());
    const anchor = await this.anchor();
    const options = this.timeoutMs === undefined ? undefined : { timeoutMs: this.timeoutMs };
    let known: BlockIdExt = anchor.id;
    let newestKey: BlockIdExt | null = null;
    let links = 0;
    let rounds = 0;
    let header: Promise<ProvenBlockHeader> | null = null;
    for (;;) {
      if (rounds >= this.maxRounds)
        throw new ProofError('link', `block proof not complete after ${rounds} answers (${links} links)`);
      rounds++;
      const proof = await client.getBlockProof(known, undefined, options);
      // the last block's header (with its state hash) is fetched while the links are checked
      if (proof.complete) {
        header = this.provenHeader(client, proof.to, options);
        onCandidate(proof.to);
      }
      header?.catch(() => undefined);
      const chain = await checkPartialBlockProof(proof, known, verifier);
      links += chain.links;
      if (chain.newestKeyBlock && (!newestKey || newestKey.seqno < chain.newestKeyBlock.id.seqno))
        newestKey = chain.newestKeyBlock.id;
      known = chain.last;
      if (chain.complete) break;
      if (chain.links === 0 || links > this.maxRounds * MAX_LINKS_PER_ANSWER)
        throw new ProofError('link', 'incomplete block proof that does not progress');
    }
    this.lastStats = { rounds, links };
    const proven = await header!;
    if (!this.fresh(proven))
      throw new ProofError(
        'stale',
        `newest proven block ${proven.info.seqno} is ${Math.round(this.now() - proven.info.genUtime)} s old (limit ${this.maxAgeSeconds} s)`,
      );
    if (newestKey && newestKey.seqno > anchor.id.seqno) await this.store.save(newestKey);
    const block: TrustedBlock = { id: known, header: proven, anchor };
    this.cached.set(client, { block, at: this.now() * 1000 });
    return block;
  }

  /** `getBlockHeader(id, mode 1)`: a header proof that keeps state_update, checked against `id`. */
  private async provenHeader(
    client: LiteClient,
    id: BlockIdExt,
    options: { timeoutMs: number } | undefined,
  ): Promise<ProvenBlockHeader> {
    const answer = await client.getBlockHeader(id, 1, options);
    if (!sameBlockId(answer.id, id))
      throw new ProofError('link', `block header of ${describeId(answer.id)}, asked ${describeId(id)}`);
    const [root] = proofRoots(answer.header_proof, 1, 'header_proof');
    return checkBlockHeaderProof(root, id, 'header_proof');
  }
}
