/**
 * The devnet liteserver as a real one behaves (issue 14 item 6), over real lite client connections:
 * - the global config's init_block is key block 1, whose McBlockExtra carries ConfigParam 34 and 28
 *   (getConfigParams mode 0x8000 proves them from the key block);
 * - getBlockProof chains from init_block to the last block, across validator rotations and the ordinary → simplex
 *   switch, 16 links an answer, as liteserver.cpp builds them — verified by the client's verifier
 *   (src/net/lite/proof: checkPartialBlockProof, BlockTrust);
 * - the independent ton-lite-client decodes our getBlockProof answers with its own TL schema;
 * - `--tamper-liteserver`: the forging liteserver fools a client that does not verify (LiteDnsSource resolves
 *   every name to a forged site record), and its answers are self-consistent Merkle proofs of re-hashed blocks
 *   whose signatures do not sign them: the verifying client (BlockTrust + ProvenDnsSource) refuses it with a named
 *   proof error, proves every name from init_block on the honest server, and with one honest and one forging
 *   server the honest answer wins.
 */
import { Cell, Dictionary } from '@ton/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devnetDnsPlugin, type DeployedDns } from '../../src/devnet/dns/index.ts';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { platformEd25519, verify } from '../../src/net/crypto/index.ts';
import {
  DNS_CATEGORY_SITE,
  DnsProofError,
  FailoverResolver,
  LiteDnsSource,
  provenDnsSources,
  ProvenDnsSource,
  recordToJson,
  SourceResolver,
} from '../../src/net/dns/index.ts';
import {
  LiteClient,
  LitePool,
  liteServersFromConfig,
  type BlockIdExt,
  type LiteServerEntry,
} from '../../src/net/lite/index.ts';
import {
  BlockTrust,
  checkPartialBlockProof,
  configAnchors,
  ProofError,
  type TrustedBlockProvider,
} from '../../src/net/lite/proof/index.ts';
import { checkBlockHeaderProof } from '../../src/net/lite/proof/block-header.ts';
import { openMerkleProof } from '../../src/net/lite/proof/merkle.ts';
import { messageToSign } from '../../src/net/lite/proof/signed-message.ts';
import {
  masterchainSubset,
  nodeIdShort,
  parseCatchainConfig,
  parseValidatorSet,
  validatorSetHash,
} from '../../src/net/lite/proof/validator-set.ts';
import type { TlCtor } from '../../src/net/tl/index.ts';
import { tcpConnector } from '../../src/node/tcp-stream.ts';
import { Functions } from 'ton-lite-client/dist/schema.js';
import { connectThirdParty } from './helpers/third-party-lite.ts';

type PartialBlockProof = TlCtor<'liteServer.partialBlockProof'>;
type BlockLink = PartialBlockProof['steps'][number];

const SEALS = 40;
let devnet: Devnet;
let dns: DeployedDns;
let honest: LiteClient;
let tamper: LiteClient;
let initBlock: BlockIdExt;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function blockIdFromJson(j: Record<string, unknown>): BlockIdExt {
  return {
    _: 'tonNode.blockIdExt',
    workchain: j.workchain as number,
    shard: BigInt(j.shard as string | number),
    seqno: j.seqno as number,
    root_hash: new Uint8Array(Buffer.from(j.root_hash as string, 'base64')),
    file_hash: new Uint8Array(Buffer.from(j.file_hash as string, 'base64')),
  };
}

function poolOf(servers: LiteServerEntry[]): LitePool {
  return new LitePool({
    servers,
    connector: (s) => tcpConnector(s.host, s.port),
    healthCheckIntervalMs: 0,
    adnl: { pingIntervalMs: 0 },
  });
}

beforeAll(async () => {
  const plugin = devnetDnsPlugin();
  devnet = await startDevnet({
    liteservers: 2,
    tamperLiteservers: [1],
    plugins: [plugin],
    bridge: false,
    blockIntervalMs: 0,
    demoAccounts: false,
    chain: {
      validatorSeed: 'devnet-proofs',
      keyBlockInterval: 6,
      rotationInterval: 11,
      simplexFromSeqno: 15,
    },
  });
  dns = await plugin.ready;
  for (let i = 0; i < SEALS; i++) devnet.seal();
  const [a, b] = devnet.liteservers;
  honest = await LiteClient.connect(tcpConnector(a.host, a.port), a.publicKey);
  tamper = await LiteClient.connect(tcpConnector(b.host, b.port), b.publicKey);
  // The file clients read: the generated global config.
  const validator = (devnet.globalConfig.validator ?? {}) as Record<string, Record<string, unknown>>;
  initBlock = blockIdFromJson(validator.init_block);
}, 120_000);

afterAll(async () => {
  honest?.close();
  tamper?.close();
  await devnet?.stop();
});

async function getBlockProof(client: LiteClient, from: BlockIdExt, to?: BlockIdExt) {
  return client.query<PartialBlockProof>(
    {
      _: 'liteServer.getBlockProof',
      mode: to ? 1 : 0,
      known_block: from,
      ...(to ? { target_block: to } : {}),
    },
    'liteServer.partialBlockProof',
  );
}

/** Every answer until complete, from `from` to the server's last block. */
async function fullChain(
  client: LiteClient,
  from: BlockIdExt,
): Promise<{ links: BlockLink[]; answers: number }> {
  const links: BlockLink[] = [];
  let at = from;
  for (let answers = 1; answers < 100; answers++) {
    const part = await getBlockProof(client, at);
    expect(part.steps.length).toBeLessThanOrEqual(16);
    links.push(...part.steps);
    at = part.to;
    if (part.complete) return { links, answers };
    expect(part.steps).toHaveLength(16);
  }
  throw new Error('no complete chain');
}

const bocRoot = (b: Uint8Array) => Cell.fromBoc(Buffer.from(b))[0];

/**
 * Checks one forward link the way check-proof.cpp `BlockProofLink::validate` does, with the client's own
 * primitives (the full verifier is src/net/lite/proof/links.ts).
 */
function checkForward(link: TlCtor<'liteServer.blockLinkForward'>): { simplex: boolean; keys: string[] } {
  const from = checkBlockHeaderProof(bocRoot(link.config_proof), link.from, 'config proof');
  expect(from.info.keyBlock).toBe(true);
  const extra = from.block.refs[3];
  const mcExtra = extra.refs[extra.refs.length - 1];
  const config = Dictionary.loadDirect(
    Dictionary.Keys.Int(32),
    Dictionary.Values.Cell(),
    mcExtra.refs[mcExtra.refs.length - 1],
  );
  const to = checkBlockHeaderProof(bocRoot(link.dest_proof), link.to, 'dest proof');
  expect(to.info.keyBlock).toBe(link.to_key_block);
  const cc = to.info.genCatchainSeqno;
  const vset = parseValidatorSet(config.get(34)!);
  const nodes = masterchainSubset(vset, parseCatchainConfig(config.get(28)!), cc);
  expect(validatorSetHash(nodes, cc)).toBe(to.info.genValidatorListHashShort);
  const set = link.signatures;
  const message = messageToSign(set, link.to);
  const byId = new Map(nodes.map((n) => [hex(nodeIdShort(n.publicKey)), n]));
  let signed = 0n;
  for (const sig of set.signatures) {
    const node = byId.get(hex(sig.node_id_short));
    expect(node).toBeTruthy();
    expect(verify(sig.signature, message, node!.publicKey)).toBe(true);
    signed += node!.weight;
  }
  const total = nodes.reduce((s, n) => s + n.weight, 0n);
  expect(3n * signed > 2n * total).toBe(true);
  return {
    simplex: set._ === 'liteServer.signatureSet.simplex',
    keys: vset.list.map((v) => hex(v.publicKey)),
  };
}

describe('devnet block proofs over a lite client connection', () => {
  it('writes key block 1 as init_block; getConfigParams mode 0x8000 proves its ConfigParam 34 and 28', async () => {
    expect(initBlock.seqno).toBe(1);
    expect(hex(initBlock.root_hash)).toBe(hex(devnet.chain.firstKeyBlock.id.rootHash));
    const answer = await honest.query<TlCtor<'liteServer.configInfo'>>(
      { _: 'liteServer.getConfigParams', mode: 0x8000, id: initBlock, param_list: [28, 34] },
      'liteServer.configInfo',
    );
    expect(answer.id.seqno).toBe(1);
    expect(answer.state_proof).toHaveLength(0);
    const header = checkBlockHeaderProof(bocRoot(answer.config_proof), initBlock, 'config proof');
    expect(header.info.keyBlock).toBe(true);
    const mcExtra = header.block.refs[3].refs[3];
    const config = Dictionary.loadDirect(Dictionary.Keys.Int(32), Dictionary.Values.Cell(), mcExtra.refs[2]);
    expect(parseValidatorSet(config.get(34)!).total).toBe(7);
    expect(parseCatchainConfig(config.get(28)!).shuffleMcValidators).toBe(true);
  });

  it('proves the last block from init_block: forward links across rotations and the simplex switch, backward links', async () => {
    const info = await honest.getMasterchainInfo();
    const { links, answers } = await fullChain(honest, initBlock);
    expect(answers).toBe(1); // 40 blocks, key block every 6 and rotation every 11: fewer than 16 key blocks
    let at = initBlock;
    const keySets = new Set<string>();
    const kinds = new Set<boolean>();
    for (const link of links) {
      expect(link.from.seqno).toBe(at.seqno);
      expect(hex(link.from.root_hash)).toBe(hex(at.root_hash));
      if (link._ === 'liteServer.blockLinkForward') {
        const { simplex, keys } = checkForward(link);
        kinds.add(simplex);
        keySets.add(keys.join());
      } else {
        // Backward: the header proof of `from` gives its state hash; the state proof shows prev_blocks[to].
        const from = checkBlockHeaderProof(bocRoot(link.proof), link.from, 'proof');
        openMerkleProof(bocRoot(link.state_proof), from.stateHash, 'state proof');
      }
      at = link.to;
    }
    expect(at.seqno).toBe(info.last.seqno);
    expect(hex(at.root_hash)).toBe(hex(info.last.root_hash));
    expect(kinds).toEqual(new Set([false, true])); // ordinary and simplex sets
    expect(keySets.size).toBeGreaterThanOrEqual(3); // two rotations on the way
    // The client's own verifier (src/net/lite/proof) accepts the same answer link by link.
    const proof = await honest.getBlockProof(initBlock);
    const checked = await checkPartialBlockProof(proof, initBlock, await platformEd25519());
    expect(checked.complete).toBe(true);
    expect(checked.links).toBe(links.length);
    expect(hex(checked.last.root_hash)).toBe(hex(info.last.root_hash));
    expect(checked.newestKeyBlock!.id.seqno).toBe(devnet.chain.prevKeyBlock(info.last.seqno).id.seqno);
  });

  it('BlockTrust (the verifying client) trusts the honest server from the config anchor', async () => {
    const trust = new BlockTrust({ config: configAnchors(devnet.globalConfig.validator), cacheMs: 0 });
    expect((await trust.anchor()).id.seqno).toBe(1);
    const block = await trust.trustedBlock(honest);
    expect(block.id.seqno).toBe((await honest.getMasterchainInfo()).last.seqno);
    expect(hex(block.header.stateHash)).toBe(hex(devnet.chain.last.state.hash()));
  });

  it('starts at the zero state too: a forward link from the config in its McStateExtra', async () => {
    const zero = (await honest.getMasterchainInfo()).init;
    const zeroId: BlockIdExt = {
      _: 'tonNode.blockIdExt',
      workchain: -1,
      shard: -(2n ** 63n),
      seqno: 0,
      root_hash: zero.root_hash,
      file_hash: zero.file_hash,
    };
    const part = await getBlockProof(honest, zeroId, initBlock);
    expect(part.complete).toBe(true);
    expect(part.steps).toHaveLength(1);
    const link = part.steps[0];
    expect(link._).toBe('liteServer.blockLinkForward');
    // config_proof of the zero state is a state proof (it has no block): ConfigParam 34 of the genesis config.
    const state = openMerkleProof(
      bocRoot((link as TlCtor<'liteServer.blockLinkForward'>).config_proof),
      zero.root_hash,
      'zero state',
    );
    expect(state.refs.length).toBeGreaterThan(0);
    const checked = await checkPartialBlockProof(part, zeroId, await platformEd25519());
    expect(checked.newestKeyBlock!.id.seqno).toBe(1);
  });

  it('ton-lite-client (its own TL schema and ADNL) decodes our getBlockProof answers with ordinary sets', async () => {
    // Its schema predates simplex: `liteServer.signatureSet` (= ordinary, 0xf644a6e6) only, so ask for a target
    // before the simplex switch (seqno 15).
    const target = await honest.query<TlCtor<'liteServer.blockHeader'>>(
      {
        _: 'liteServer.lookupBlock',
        mode: 1,
        id: { _: 'tonNode.blockId', workchain: -1, shard: -(2n ** 63n), seqno: 10 },
      },
      'liteServer.blockHeader',
    );
    const ls = devnet.liteservers[0];
    const tp = await connectThirdParty({ tcp: `${ls.host}:${ls.port}` }, ls.publicKey);
    try {
      const their = (id: BlockIdExt) => ({
        kind: 'tonNode.blockIdExt' as const,
        workchain: id.workchain,
        shard: id.shard.toString(),
        seqno: id.seqno,
        rootHash: Buffer.from(id.root_hash),
        fileHash: Buffer.from(id.file_hash),
      });
      const theirs = await tp.engine.query(Functions.liteServer_getBlockProof, {
        kind: 'liteServer.getBlockProof',
        mode: 1,
        knownBlock: their(initBlock),
        targetBlock: their(target.id),
      });
      const ours = await getBlockProof(honest, initBlock, target.id);
      expect(theirs.complete).toBe(ours.complete);
      expect(theirs.to.seqno).toBe(10);
      expect(theirs.steps.map((s) => s.kind)).toEqual(ours.steps.map((s) => s._));
      expect(theirs.steps.length).toBeGreaterThan(1);
      for (const [i, step] of theirs.steps.entries()) {
        if (step.kind !== 'liteServer.blockLinkForward') continue;
        const mine = ours.steps[i] as TlCtor<'liteServer.blockLinkForward'>;
        expect(step.signatures.signatures).toHaveLength(mine.signatures.signatures.length);
        expect(hex(step.configProof)).toBe(hex(mine.config_proof));
      }
    } finally {
      tp.close();
    }
  });

  it('answers 16 links at a time with complete = false and continues from `to`', async () => {
    for (let i = 0; i < 80; i++) devnet.seal(); // key blocks every 6 and at every 11th: well over 16 of them
    const { links, answers } = await fullChain(honest, initBlock);
    expect(answers).toBeGreaterThanOrEqual(2);
    expect(links.at(-1)!.to.seqno).toBe((await honest.getMasterchainInfo()).last.seqno);
    for (const link of links) if (link._ === 'liteServer.blockLinkForward') checkForward(link);
    const trust = new BlockTrust({ config: configAnchors(devnet.globalConfig.validator), cacheMs: 0 });
    await trust.trustedBlock(honest);
    expect(trust.lastStats.rounds).toBe(answers);
    expect(trust.lastStats.links).toBe(links.length);
  });
});

describe('--tamper-liteserver', () => {
  it('fools a client that does not verify: LiteDnsSource resolves every name to a forged site record', async () => {
    const servers = liteServersFromConfig(devnet.globalConfig);
    const evil = poolOf([servers[1]]);
    const good = poolOf([servers[0]]);
    try {
      const names = dns.names.filter((n) => !n.expired && n.records.has(DNS_CATEGORY_SITE));
      expect(names.length).toBeGreaterThan(2);
      const forged = new Set<string>();
      for (const d of names) {
        const real = await new SourceResolver(new LiteDnsSource(good)).resolve(d.name, DNS_CATEGORY_SITE);
        const fake = await new SourceResolver(new LiteDnsSource(evil)).resolve(d.name, DNS_CATEGORY_SITE);
        expect(real.answer.kind, d.name).toBe('record');
        expect(fake.answer.kind, d.name).toBe('record');
        const realJson = JSON.stringify(real.answer.kind === 'record' && recordToJson(real.answer.record));
        const fakeJson = JSON.stringify(fake.answer.kind === 'record' && recordToJson(fake.answer.record));
        expect(realJson).toBe(JSON.stringify(recordToJson(d.records.get(DNS_CATEGORY_SITE)!)));
        expect(fakeJson, d.name).not.toBe(realJson);
        forged.add(fakeJson);
      }
      expect(forged.size).toBe(
        new Set(names.map((d) => JSON.stringify(recordToJson(d.records.get(DNS_CATEGORY_SITE)!)))).size,
      );
    } finally {
      evil.close();
      good.close();
    }
  });

  it('fools ton-lite-client too: it reads account states without checking a proof', async () => {
    const alice = dns.names.find((n) => n.name === 'alice.ton')!.item;
    const [a, b] = devnet.liteservers;
    const good = await connectThirdParty({ tcp: `${a.host}:${a.port}` }, a.publicKey);
    const evil = await connectThirdParty({ tcp: `${b.host}:${b.port}` }, b.publicKey);
    try {
      const real = await good.client.getAccountState(alice, (await good.client.getMasterchainInfo()).last);
      const fake = await evil.client.getAccountState(alice, (await evil.client.getMasterchainInfo()).last);
      expect(fake.balance.coins).toBe(real.balance.coins);
      expect(fake.raw.equals(real.raw)).toBe(false); // another site record in the item's data, accepted as is
    } finally {
      good.close();
      evil.close();
    }
  });

  it('serves self-consistent forged blocks whose signatures do not sign them', async () => {
    const real = await honest.getMasterchainInfo();
    const fake = await tamper.getMasterchainInfo();
    expect(fake.last.seqno).toBe(real.last.seqno);
    expect(hex(fake.last.root_hash)).not.toBe(hex(real.last.root_hash));
    expect(hex(fake.init.root_hash)).toBe(hex(real.init.root_hash)); // the zero state stays honest
    // The forged header proof checks against the forged id, and names the forged state.
    const header = await tamper.query<TlCtor<'liteServer.blockHeader'>>(
      { _: 'liteServer.getBlockHeader', id: fake.last, mode: 0 },
      'liteServer.blockHeader',
    );
    const proven = checkBlockHeaderProof(bocRoot(header.header_proof), fake.last, 'header');
    expect(hex(proven.stateHash)).toBe(hex(fake.state_root_hash));
    // Its block proof from init_block: the same honest links, the last re-pointed at the forged block with the
    // honest block's signatures, which fail on the forged id.
    const { links } = await fullChain(tamper, initBlock);
    const last = links[links.length - 1];
    expect(hex(last.to.root_hash)).toBe(hex(fake.last.root_hash));
    if (last._ === 'liteServer.blockLinkForward') {
      expect(() => checkForward(last)).toThrow();
    } else {
      const from = checkBlockHeaderProof(bocRoot(last.proof), last.from, 'proof');
      const state = openMerkleProof(bocRoot(last.state_proof), from.stateHash, 'state proof');
      expect(state).toBeTruthy(); // honest prev_blocks: it names the honest block, not the forged one
    }
  });

  it('the verifying client refuses it: BlockTrust names the failed proof', async () => {
    const trust = new BlockTrust({ config: configAnchors(devnet.globalConfig.validator), cacheMs: 0 });
    const error = await trust.trustedBlock(tamper).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProofError);
    // The last block is reached by a forward link (its signatures do not sign the forged id) or, when the last
    // block is older than the newest key block the server knows, a backward link (prev_blocks names another block).
    expect(['signature', 'backward-link']).toContain((error as ProofError).code);
  });

  it('asked about a block the client trusts, it echoes the honest id over forged proofs that do not hash to it', async () => {
    const trusted = await new BlockTrust({
      config: configAnchors(devnet.globalConfig.validator),
      cacheMs: 0,
    }).trustedBlock(honest);
    const alice = dns.names.find((n) => n.name === 'alice.ton')!.item;
    const real = await honest.getAccountState(trusted.id, alice);
    const fake = await tamper.getAccountState(trusted.id, alice);
    expect(hex(fake.raw.id.root_hash)).toBe(hex(trusted.id.root_hash));
    expect(hex(fake.raw.state)).not.toBe(hex(real.raw.state)); // another site record in the item's data
    // shard_proof's first root is a header proof of the forged twin: it does not open with the trusted root hash.
    const headerRoot = Cell.fromBoc(Buffer.from(fake.raw.shard_proof))[0];
    let error: unknown;
    try {
      checkBlockHeaderProof(headerRoot, trusted.id, 'shard proof');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProofError);
    expect((error as ProofError).code).toBe('merkle');
    const honestRoot = Cell.fromBoc(Buffer.from(real.raw.shard_proof))[0];
    expect(checkBlockHeaderProof(honestRoot, trusted.id, 'shard proof').info.seqno).toBe(trusted.id.seqno);
  });

  it('the verifying DNS client proves every name on the honest server and refuses the forger by name', async () => {
    const servers = liteServersFromConfig(devnet.globalConfig);
    const pool = poolOf(servers);
    const trust = () => new BlockTrust({ config: configAnchors(devnet.globalConfig.validator), cacheMs: 0 });
    try {
      for (const d of dns.names.filter((n) => !n.expired && n.records.has(DNS_CATEGORY_SITE))) {
        const res = await new SourceResolver(
          new ProvenDnsSource(pool, { trust: trust(), server: 0 }),
        ).resolve(d.name, DNS_CATEGORY_SITE);
        expect(res.answer.kind === 'record' && recordToJson(res.answer.record), d.name).toEqual(
          recordToJson(d.records.get(DNS_CATEGORY_SITE)!),
        );
        expect(res.trust?.anchor?.seqno).toBe(1);
      }
      const alone = await new SourceResolver(new ProvenDnsSource(pool, { trust: trust(), server: 1 }))
        .resolve('alice.ton', DNS_CATEGORY_SITE)
        .catch((e: unknown) => e);
      expect(alone).toBeInstanceOf(DnsProofError);
      expect(['signature', 'backward-link']).toContain((alone as DnsProofError).proofCode);
      // A block trusted through the honest server, the state proofs asked of the forger: they do not hash to it.
      const block = await pool.runOn(0, (c) => trust().trustedBlock(c));
      const fixed: TrustedBlockProvider = { trustedBlock: () => Promise.resolve(block) };
      const states = await new SourceResolver(new ProvenDnsSource(pool, { trust: fixed, server: 1 }))
        .resolve('alice.ton', DNS_CATEGORY_SITE)
        .catch((e: unknown) => e);
      expect(states).toBeInstanceOf(DnsProofError);
      expect((states as DnsProofError).proofCode).toBe('merkle');
      // One honest and one forging server: the honest answer wins.
      const alice = dns.names.find((n) => n.name === 'alice.ton')!;
      const res = await new FailoverResolver(provenDnsSources(pool, { trust: trust() })).resolve(
        'alice.ton',
        DNS_CATEGORY_SITE,
      );
      expect(res.answer.kind === 'record' && recordToJson(res.answer.record)).toEqual(
        recordToJson(alice.records.get(DNS_CATEGORY_SITE)!),
      );
      expect(res.trust?.level).toBe('proof');
    } finally {
      pool.close();
    }
  });
});
