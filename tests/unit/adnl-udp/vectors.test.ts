/**
 * ADNL-UDP against ../shared/spec/vectors/tonutils-go/adnl.json (made by tonutils-go, an independent
 * implementation): the deterministic first packet, both channel packets, and a live round trip with a real
 * tonutils-go gateway. Our decoder reads their bytes; our encoder and our AdnlNode, given the same inputs (keys,
 * random stream, clock, seqnos), write the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { keyPairFromSeed, verify } from '../../../src/net/crypto/index.ts';
import { tlDecode, tlEncode } from '../../../src/net/tl/index.ts';
import {
  AdnlNode,
  decodePacket,
  deriveChannelKeys,
  encodePacket,
  openChannelDatagram,
  openRootDatagram,
  packetMessages,
  packetRandoms,
  packetSignedBytes,
  sealChannelDatagram,
  sealRootDatagram,
  signPacket,
  verifyPacketSignature,
  type AdnlPacketContents,
} from '../../../src/net/adnl/index.ts';
import { adnlId } from '../../../src/net/crypto/index.ts';
import { CHANNEL_HEADER_BYTES, sealChannelDatagramInPlace } from '../../../src/net/adnl/udp/channel.ts';
import {
  nobleAsymmetric,
  noblePrimitives,
  type AsymmetricPrimitives,
  type SymmetricPrimitives,
} from '../../../src/net/crypto/index.ts';
import { nativeAsymmetric, nativePrimitives } from '../../../src/node/native-crypto.ts';
import { CaptureSocket, hex, loadVector, toHex, vectorRng } from './helpers.ts';

interface RngRead {
  hex: string;
}
interface Vector {
  keys: { name: string; seed_hex: string; ed25519_pub_hex: string; adnl_id_hex: string }[];
  first_packet: {
    inputs: { rng_reads: RngRead[]; reinit_date: number; channel_date: number };
    packet_hex: string;
    plaintext_hex: string;
    signed_bytes_hex: string;
    query_id_hex: string;
    parsed: {
      flags_hex: string;
      from: string;
      rand1: string;
      rand2: string;
      signature: string;
      messages: { tl_hex: string; type: string }[];
    };
  };
  channel: {
    channel_secret_hex: string;
    client: { dec_key: string; enc_key: string; id_in: string; id_out: string };
    server: { dec_key: string; enc_key: string; id_in: string; id_out: string };
    client_to_server: { packet_hex: string; plaintext_hex: string; query_id: string; rng_reads: RngRead[] };
    server_to_client: { packet_hex: string; plaintext_hex: string; rng_reads: RngRead[] };
  };
  live_roundtrip: {
    reply1_hex: string;
    reply1_plaintext_hex: string;
    reply1_from_short: string;
    reply2_hex: string;
    reply2_plaintext_hex: string;
    request2_channel_packet_hex: string;
    server_channel_pub: string;
    server_addr_list_ports: number;
  };
}

const v = loadVector<Vector>('tonutils-go/adnl.json');
const seed = (b: string) => hex(b.repeat(32));
const client = keyPairFromSeed(seed('01'));
const server = keyPairFromSeed(seed('02'));
const clientChannel = keyPairFromSeed(seed('03'));
const serverChannel = keyPairFromSeed(seed('04'));
const clientId = adnlId(client.publicKey);
const serverId = adnlId(server.publicKey);
/** Both crypto sets: noble (default, service worker) and OpenSSL (Node hosts) must write and read the same bytes. */
const CRYPTO_SETS: [string, SymmetricPrimitives, AsymmetricPrimitives][] = [
  ['noble', noblePrimitives, nobleAsymmetric],
  ['node:crypto', nativePrimitives, nativeAsymmetric],
];
const getCapabilities = tlEncode({ _: 'http.proxy.getCapabilities', capabilities: 1n });
const getSignedAddressList = tlEncode({ _: 'dht.getSignedAddressList' });

describe('tonutils-go first packet', () => {
  const fp = v.first_packet;
  const packet = hex(fp.packet_hex);

  it('keys and ids match the vector', () => {
    expect(toHex(client.publicKey)).toBe(v.keys[0].ed25519_pub_hex);
    expect(toHex(clientId)).toBe(v.keys[0].adnl_id_hex);
    expect(toHex(serverId)).toBe(v.keys[1].adnl_id_hex);
    expect(toHex(clientChannel.publicKey)).toBe(v.keys[2].ed25519_pub_hex);
  });

  it('decrypts with the server key and decodes every field; the signature verifies', () => {
    expect(toHex(packet.subarray(0, 32))).toBe(toHex(serverId));
    const plaintext = openRootDatagram(server.secretKey, packet);
    expect(toHex(plaintext)).toBe(fp.plaintext_hex);
    const p = decodePacket(plaintext);
    expect(p.flags).toBe(Number(fp.parsed.flags_hex));
    expect(toHex(p.rand1)).toBe(fp.parsed.rand1);
    expect(toHex(p.rand2)).toBe(fp.parsed.rand2);
    expect(p.from).toEqual({ _: 'pub.ed25519', key: hex(fp.parsed.from) });
    expect(p.from_short).toBeUndefined();
    expect(p.message).toBeUndefined();
    const messages = packetMessages(p);
    expect(messages.map((m) => toHex(tlEncode(m)))).toEqual(fp.parsed.messages.map((m) => m.tl_hex));
    expect(messages[0]).toEqual({
      _: 'adnl.message.createChannel',
      key: clientChannel.publicKey,
      date: fp.inputs.channel_date,
    });
    expect(messages[1]).toEqual({
      _: 'adnl.message.query',
      query_id: hex(fp.query_id_hex),
      query: getCapabilities,
    });
    expect(tlDecode('http.proxy.getCapabilities', (messages[1] as { query: Uint8Array }).query)).toEqual({
      _: 'http.proxy.getCapabilities',
      capabilities: 1n,
    });
    expect(p.address).toEqual({
      _: 'adnl.addressList',
      addrs: [],
      version: 1700000000,
      reinit_date: 1700000000,
      priority: 0,
      expire_at: 0,
    });
    expect(p.priority_address).toBeUndefined();
    expect(p.seqno).toBe(1n);
    expect(p.confirm_seqno).toBe(0n);
    expect(p.recv_addr_list_version).toBeUndefined();
    expect(p.recv_priority_addr_list_version).toBe(0);
    expect(p.reinit_date).toBe(fp.inputs.reinit_date);
    expect(p.dst_reinit_date).toBe(0);
    expect(toHex(p.signature as Uint8Array)).toBe(fp.parsed.signature);
    expect(toHex(packetSignedBytes(p))).toBe(fp.signed_bytes_hex);
    expect(verify(p.signature as Uint8Array, hex(fp.signed_bytes_hex), client.publicKey)).toBe(true);
    expect(verifyPacketSignature(p, client.publicKey)).toBe(true);
    expect(verifyPacketSignature(p, server.publicKey)).toBe(false);
    expect(toHex(encodePacket(p))).toBe(fp.plaintext_hex);
  });

  it.each(CRYPTO_SETS)('%s: opens, verifies, signs and seals the same bytes', (_, crypto, asymmetric) => {
    const plaintext = openRootDatagram(server.secretKey, packet, crypto, asymmetric);
    expect(toHex(plaintext)).toBe(fp.plaintext_hex);
    const p = decodePacket(plaintext);
    expect(verifyPacketSignature(p, client.publicKey, asymmetric)).toBe(true);
    expect(verifyPacketSignature(p, server.publicKey, asymmetric)).toBe(false);
    expect(verifyPacketSignature({ ...p, seqno: 2n }, client.publicKey, asymmetric)).toBe(false);
    const unsigned = { ...p };
    delete unsigned.signature;
    expect(toHex(signPacket(unsigned, client.secretKey, asymmetric).signature!)).toBe(fp.parsed.signature);
    // tonutils-go encrypts root packets with its identity key (AdnlNode encryptWithIdentityKey).
    expect(toHex(sealRootDatagram(server.publicKey, serverId, plaintext, client, crypto, asymmetric))).toBe(
      fp.packet_hex,
    );
  });

  it('the rand1/rand2 rule reproduces the vector from read 1', () => {
    const { rand1, rand2 } = packetRandoms(() => hex(fp.inputs.rng_reads[1].hex));
    expect(toHex(rand1)).toBe(fp.parsed.rand1);
    expect(toHex(rand2)).toBe(fp.parsed.rand2);
  });

  it('a signature over other bytes does not verify', () => {
    const p = decodePacket(openRootDatagram(server.secretKey, packet));
    const altered: AdnlPacketContents = { ...p, seqno: 2n };
    expect(verifyPacketSignature(altered, client.publicKey)).toBe(false);
  });
});

describe('tonutils-go channel packets', () => {
  const ch = v.channel;
  const clientKeys = deriveChannelKeys(clientChannel.secretKey, serverChannel.publicKey, clientId, serverId);
  const serverKeys = deriveChannelKeys(serverChannel.secretKey, clientChannel.publicKey, serverId, clientId);

  it.each(CRYPTO_SETS)('%s: derives the same channel keys', (_, __, asymmetric) => {
    const c = deriveChannelKeys(
      clientChannel.secretKey,
      serverChannel.publicKey,
      clientId,
      serverId,
      asymmetric,
    );
    const s = deriveChannelKeys(
      serverChannel.secretKey,
      clientChannel.publicKey,
      serverId,
      clientId,
      asymmetric,
    );
    expect(c).toEqual(clientKeys);
    expect(s).toEqual(serverKeys);
  });

  it('derives both sides keys and ids (key ordering by ADNL id)', () => {
    expect(toHex(clientKeys.encryptKey)).toBe(ch.client.enc_key);
    expect(toHex(clientKeys.decryptKey)).toBe(ch.client.dec_key);
    expect(toHex(clientKeys.inId)).toBe(ch.client.id_in);
    expect(toHex(clientKeys.outId)).toBe(ch.client.id_out);
    expect(toHex(serverKeys.encryptKey)).toBe(ch.server.enc_key);
    expect(toHex(serverKeys.decryptKey)).toBe(ch.server.dec_key);
    expect(toHex(serverKeys.inId)).toBe(ch.server.id_in);
    expect(toHex(serverKeys.outId)).toBe(ch.server.id_out);
    expect(ch.channel_secret_hex).toBe(ch.client.enc_key);
  });

  it('client → server: decodes, and encodes to the same bytes', () => {
    const c2s = ch.client_to_server;
    const datagram = hex(c2s.packet_hex);
    expect(toHex(datagram.subarray(0, 32))).toBe(ch.server.id_in);
    const plaintext = openChannelDatagram(serverKeys, datagram);
    expect(toHex(plaintext)).toBe(c2s.plaintext_hex);
    const p = decodePacket(plaintext);
    expect(p.flags).toBe(0xc4);
    expect(p.seqno).toBe(2n);
    expect(p.confirm_seqno).toBe(1n);
    expect(p.message).toEqual({
      _: 'adnl.message.query',
      query_id: hex(c2s.query_id),
      query: getSignedAddressList,
    });

    const { rand1, rand2 } = packetRandoms(() => hex(c2s.rng_reads[1].hex));
    const ours = encodePacket({
      rand1,
      rand2,
      message: { _: 'adnl.message.query', query_id: hex(c2s.rng_reads[0].hex), query: getSignedAddressList },
      seqno: 2n,
      confirm_seqno: 1n,
    });
    expect(toHex(ours)).toBe(c2s.plaintext_hex);
    expect(toHex(sealChannelDatagram(clientKeys, ours))).toBe(c2s.packet_hex);
  });

  it('server → client: decodes, and encodes to the same bytes', () => {
    const s2c = ch.server_to_client;
    const datagram = hex(s2c.packet_hex);
    expect(toHex(datagram.subarray(0, 32))).toBe(ch.client.id_in);
    const plaintext = openChannelDatagram(clientKeys, datagram);
    expect(toHex(plaintext)).toBe(s2c.plaintext_hex);
    const p = decodePacket(plaintext);
    expect(p.flags).toBe(0xc4);
    expect(p.seqno).toBe(2n);
    expect(p.confirm_seqno).toBe(1n);
    const answer = p.message as { _: string; query_id: Uint8Array; answer: Uint8Array };
    expect(answer._).toBe('adnl.message.answer');
    expect(toHex(answer.query_id)).toBe(ch.client_to_server.query_id);
    expect(tlDecode('http.proxy.capabilities', answer.answer)).toEqual({
      _: 'http.proxy.capabilities',
      capabilities: 1n,
    });

    const { rand1, rand2 } = packetRandoms(() => hex(s2c.rng_reads[0].hex));
    const ours = encodePacket({ rand1, rand2, message: p.message, seqno: 2n, confirm_seqno: 1n });
    expect(toHex(ours)).toBe(s2c.plaintext_hex);
    expect(toHex(sealChannelDatagram(serverKeys, ours))).toBe(s2c.packet_hex);
  });

  it('sealed in place and with node:crypto primitives: the same bytes both ways', () => {
    for (const [keys, other, dir] of [
      [clientKeys, serverKeys, ch.client_to_server],
      [serverKeys, clientKeys, ch.server_to_client],
    ] as const) {
      const plain = hex(dir.plaintext_hex);
      for (const primitives of [undefined, nativePrimitives]) {
        const roomy = new Uint8Array(CHANNEL_HEADER_BYTES + plain.length);
        roomy.set(plain, CHANNEL_HEADER_BYTES);
        expect(toHex(sealChannelDatagramInPlace(keys, roomy, primitives))).toBe(dir.packet_hex);
        expect(toHex(sealChannelDatagram(keys, plain, primitives))).toBe(dir.packet_hex);
        expect(toHex(openChannelDatagram(other, hex(dir.packet_hex), primitives))).toBe(dir.plaintext_hex);
      }
    }
  });

  it('a datagram for the other direction does not decrypt', () => {
    expect(() => openChannelDatagram(clientKeys, hex(ch.client_to_server.packet_hex))).toThrow();
  });
});

describe('AdnlNode replays the tonutils-go client byte for byte', () => {
  const fp = v.first_packet;
  const live = v.live_roundtrip;
  const serverAddress = { host: '127.0.0.1', port: live.server_addr_list_ports };

  it.each(CRYPTO_SETS)(
    '%s: first packet, the live replies, the channel request and its answer',
    async (_, crypto, asymmetric) => {
      let now = fp.inputs.reinit_date * 1000;
      let rng = vectorRng(0);
      const socket = new CaptureSocket();
      const node = new AdnlNode({
        socket,
        keyPair: client,
        clock: () => now,
        random: (n) => rng(n),
        generateChannelKey: () => clientChannel,
        encryptWithIdentityKey: true,
        crypto,
        asymmetric,
      });
      expect(node.reinitDate).toBe(1700000000);
      const peer = node.addPeer(server.publicKey, serverAddress);
      expect(toHex(peer.id)).toBe(toHex(serverId));

      // 1. The first query: a root packet with createChannel + query, identical to the vector.
      const answer1 = node.query(peer, getCapabilities, 5000);
      await Promise.resolve();
      expect(socket.sent).toHaveLength(1);
      expect(socket.sent[0].host).toBe('127.0.0.1');
      expect(socket.sent[0].port).toBe(live.server_addr_list_ports);
      expect(toHex(socket.sent[0].data)).toBe(fp.packet_hex);

      // 2. The gateway's reply (confirmChannel + answer); its reinit date is its wall clock, so move ours there.
      const reply1 = decodePacket(openRootDatagram(client.secretKey, hex(live.reply1_hex)));
      expect(toHex(reply1.from_short!.id)).toBe(live.reply1_from_short);
      expect(verifyPacketSignature(reply1, server.publicKey)).toBe(true);
      expect(toHex(encodePacket(reply1))).toBe(live.reply1_plaintext_hex);
      now = reply1.reinit_date! * 1000;
      socket.inject(hex(live.reply1_hex), serverAddress.host, serverAddress.port);
      expect(tlDecode('http.proxy.capabilities', await answer1)).toEqual({
        _: 'http.proxy.capabilities',
        capabilities: 1n,
      });
      expect(node.isChannelReady(peer)).toBe(true);
      expect(node.announcedAddresses(peer)).toEqual([serverAddress]);

      // 3. The second query goes through the channel; the generator's stream was at block 7 by then.
      rng = vectorRng(7);
      const answer2 = node.query(peer, getSignedAddressList, 5000);
      await Promise.resolve();
      expect(socket.sent).toHaveLength(2);
      expect(toHex(socket.sent[1].data)).toBe(live.request2_channel_packet_hex);

      // 4. The gateway's channel answer.
      socket.inject(hex(live.reply2_hex), serverAddress.host, serverAddress.port);
      const answer = await answer2;
      expect(toHex(answer).length).toBeGreaterThan(0);
      const reply2 = decodePacket(
        openChannelDatagram(
          deriveChannelKeys(clientChannel.secretKey, hex(live.server_channel_pub), clientId, serverId),
          hex(live.reply2_hex),
        ),
      );
      expect(toHex(encodePacket(reply2))).toBe(live.reply2_plaintext_hex);
      expect(node.stats.dropped).toEqual({});
      node.close();
    },
  );
});

describe('ton-docs packet layouts (adnl_udp_packet_layouts.json) through both crypto sets', () => {
  const layouts = loadVector<{ items: { what: string; hex: string }[] }>('adnl_udp_packet_layouts.json');
  const packets = layouts.items.filter((item) => item.what.includes('packet'));

  it.each(packets.map((p) => [p.what, p.hex]))('%s: the same datagram and plaintext', (_, plainHex) => {
    const plain = hex(plainHex);
    expect(toHex(encodePacket(decodePacket(plain)))).toBe(plainHex);
    const ephemeral = keyPairFromSeed(new Uint8Array(32).fill(5));
    const sealed = CRYPTO_SETS.map(([, c, a]) =>
      sealRootDatagram(server.publicKey, serverId, plain, ephemeral, c, a),
    );
    expect(toHex(sealed[1])).toBe(toHex(sealed[0]));
    for (const [, c, a] of CRYPTO_SETS) {
      expect(toHex(openRootDatagram(server.secretKey, sealed[0], c, a))).toBe(plainHex);
    }
  });
});
