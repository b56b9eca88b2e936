/**
 * ADNL-TCP against vectors we did not produce with this code: the ton-docs getMasterchainInfo frames (plaintext)
 * and the handshake computed independently with Node's crypto (../shared/spec/vectors).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { adnlId, keyPairFromSeed, sha256 } from '../../../src/net/crypto/index.ts';
import { tlDecode, tlEncode } from '../../../src/net/tl/index.ts';
import {
  AdnlError,
  TcpFrameParser,
  acceptClientHandshake,
  createClientHandshake,
  decodeTcpPayload,
  encodeTcpFrame,
  splitSessionKeys,
} from '../../../src/net/adnl/index.ts';

const vector = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../../shared/spec/vectors/${name}`, import.meta.url), 'utf8'));
const hex = (s: unknown): Uint8Array => Uint8Array.from(Buffer.from(String(s), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('getMasterchainInfo frames (ton-docs tcp.mdx)', () => {
  const v = vector('adnl_tcp_getMasterchainInfo_frames.json');

  it('request frame: checksum verifies, nesting decodes, re-encodes byte for byte', () => {
    const frame = hex(v.request_frame_hex);
    const parser = new TcpFrameParser();
    const [payload] = parser.push(frame);
    expect(parser.buffered).toBe(0);
    const message = decodeTcpPayload(payload);
    if (message.kind !== 'query') throw new Error('expected a query');
    const lite = tlDecode('liteServer.query', message.query);
    expect(tlDecode('liteServer.getMasterchainInfo', lite.data)).toEqual({
      _: 'liteServer.getMasterchainInfo',
    });
    // Rebuild the whole frame from its parts with the same nonce.
    const rebuilt = encodeTcpFrame(
      tlEncode({
        _: 'adnl.message.query',
        query_id: message.queryId,
        query: tlEncode({ _: 'liteServer.query', data: tlEncode({ _: 'liteServer.getMasterchainInfo' }) }),
      }),
      frame.subarray(4, 36),
    );
    expect(toHex(rebuilt)).toBe(v.request_frame_hex);
  });

  it('response frame: the documented checksum is wrong (as the vector says) → typed error; fields still parse', () => {
    const frame = hex(v.response_frame_hex);
    expect(() => new TcpFrameParser().push(frame)).toThrow(AdnlError);
    try {
      new TcpFrameParser().push(frame);
    } catch (error) {
      expect((error as AdnlError).kind).toBe('bad-checksum');
    }
    const size = new DataView(frame.buffer).getUint32(0, true);
    expect(size).toBe(frame.length - 4);
    const payload = frame.subarray(36, frame.length - 32);
    const message = decodeTcpPayload(payload);
    if (message.kind !== 'answer') throw new Error('expected an answer');
    const info = tlDecode('liteServer.masterchainInfo', message.answer);
    const d = v.decoded_response as {
      last: { workchain: number; shard: string; seqno: number; root_hash: string; file_hash: string };
      state_root_hash: string;
      init: { workchain: number; root_hash: string; file_hash: string };
    };
    expect(info.last.workchain).toBe(d.last.workchain);
    expect(BigInt.asUintN(64, info.last.shard).toString(16)).toBe(d.last.shard);
    expect(info.last.seqno).toBe(d.last.seqno);
    expect(toHex(info.last.root_hash)).toBe(d.last.root_hash);
    expect(toHex(info.last.file_hash)).toBe(d.last.file_hash);
    expect(toHex(info.state_root_hash)).toBe(d.state_root_hash);
    expect(info.init.workchain).toBe(d.init.workchain);
    expect(toHex(info.init.root_hash)).toBe(d.init.root_hash);
    // Our own framing of the same nonce and payload differs only in the (now correct) checksum.
    const ours = encodeTcpFrame(payload, frame.subarray(4, 36));
    expect(toHex(ours.subarray(0, ours.length - 32))).toBe(toHex(frame.subarray(0, frame.length - 32)));
    expect(toHex(ours.subarray(ours.length - 32))).toBe(toHex(sha256(frame.subarray(4, frame.length - 32))));
    expect(new TcpFrameParser().push(ours)).toEqual([payload]);
  });
});

describe('handshake (computed independently with Node crypto)', () => {
  const v = vector('adnl_tcp_handshake_computed.json');
  const client = keyPairFromSeed(hex(v.client_ed25519_seed));
  const server = keyPairFromSeed(hex(v.server_ed25519_seed));
  const params = hex(v.aes_params_160);

  it('key id, packet and session split match', () => {
    expect(toHex(client.publicKey)).toBe(v.client_pub);
    expect(toHex(adnlId(server.publicKey))).toBe(v.server_key_id_sha256_pub_ed25519_tl);
    const hs = createClientHandshake(server.publicKey, client, params);
    expect(toHex(hs.packet)).toBe(v.handshake_packet_256);
    const keys = splitSessionKeys(params);
    const s = v.session as Record<string, string>;
    expect(toHex(keys.serverToClient.key)).toBe(s.client_decrypt_key);
    expect(toHex(keys.serverToClient.iv)).toBe(s.client_decrypt_iv);
    expect(toHex(keys.clientToServer.key)).toBe(s.client_encrypt_key);
    expect(toHex(keys.clientToServer.iv)).toBe(s.client_encrypt_iv);
  });

  it('first frame (tcp.ping) encrypts as documented and the server end decrypts it', () => {
    const plain = hex(v.first_frame_plain);
    const ping = plain.subarray(36, plain.length - 32);
    expect(toHex(encodeTcpFrame(ping, plain.subarray(4, 36)))).toBe(v.first_frame_plain);
    const hs = createClientHandshake(server.publicKey, client, params);
    expect(toHex(hs.ciphers.encrypt.update(plain))).toBe(v.first_frame_encrypted_with_client_encrypt_cipher);

    const accepted = acceptClientHandshake(hex(v.handshake_packet_256), [
      keyPairFromSeed(new Uint8Array(32)),
      server,
    ]);
    expect(accepted.keyPair.publicKey).toEqual(server.publicKey);
    expect(accepted.clientPublicKey).toEqual(client.publicKey);
    const decrypted = accepted.ciphers.decrypt.update(
      hex(v.first_frame_encrypted_with_client_encrypt_cipher),
    );
    const [payload] = new TcpFrameParser().push(decrypted);
    expect(decodeTcpPayload(payload)).toEqual({ kind: 'ping', randomId: 0x0102030405060708n });
  });

  it('rejects a handshake for another key or with a corrupted digest', () => {
    const packet = hex(v.handshake_packet_256);
    expect(() => acceptClientHandshake(packet, [client])).toThrow(AdnlError);
    const bad = packet.slice();
    bad[200] ^= 1;
    expect(() => acceptClientHandshake(bad, [server])).toThrow(/digest/);
    expect(() => acceptClientHandshake(packet.subarray(0, 255), [server])).toThrow(AdnlError);
  });
});
