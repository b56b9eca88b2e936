/** Loads the golden vectors (made by tonutils-go, TonLib.NET and Node's crypto, not by this code). */
import { readFileSync } from 'node:fs';
import { hexToBytes } from '@noble/hashes/utils.js';

const load = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../shared/spec/vectors/${path}`, import.meta.url), 'utf8'));

export const hex = (s: string): Uint8Array => hexToBytes(s);

export interface KeyVector {
  name: string;
  seed_hex: string;
  ed25519_pub_hex: string;
  x25519_priv_hex: string;
  x25519_pub_hex: string;
  adnl_id_hex: string;
  pub_ed25519_tl_hex: string;
  adnl_address_base32: string;
}

interface PacketVector {
  packet_hex: string;
  plaintext_hex: string;
}

export const adnl = load('tonutils-go/adnl.json') as {
  keys: KeyVector[];
  shared_secret: {
    x25519_client_server_hex: string;
    cipher_example: {
      aes_key_hex: string;
      checksum_hex: string;
      iv_hex: string;
      keystream_first64_hex: string;
    };
  };
  first_packet: PacketVector & { signed_bytes_hex: string; parsed: { signature: string; from: string } };
  channel: {
    channel_secret_hex: string;
    client: { enc_key: string; dec_key: string };
    server: { enc_key: string; dec_key: string };
    client_to_server: PacketVector;
    server_to_client: PacketVector;
  };
  live_roundtrip: {
    reply1_hex: string;
    reply1_plaintext_hex: string;
    reply2_hex: string;
    reply2_plaintext_hex: string;
    server_channel_pub: string;
  };
};

export const addressIds = load('adnl_address_ids.json') as {
  liteservers: { pub_hex: string; pub_b64: string; key_id_hex: string }[];
  adnl_text: { id_hex: string; text: string }[];
};

export const handshake = load('adnl_tcp_handshake_computed.json') as {
  client_ed25519_seed: string;
  client_pub: string;
  server_ed25519_seed: string;
  server_pub: string;
  server_key_id_sha256_pub_ed25519_tl: string;
  client_x25519_priv: string;
  server_x25519_pub: string;
  shared_secret: string;
  aes_params_160: string;
  aes_params_sha256: string;
  handshake_key: string;
  handshake_iv: string;
  handshake_packet_256: string;
  session: {
    client_decrypt_key: string;
    client_decrypt_iv: string;
    client_encrypt_key: string;
    client_encrypt_iv: string;
  };
  first_frame_plain: string;
  first_frame_encrypted_with_client_encrypt_cipher: string;
};

export const keyNamed = (name: string): KeyVector => {
  const key = adnl.keys.find((k) => k.name === name);
  if (!key) throw new Error(`no key ${name} in adnl.json`);
  return key;
};
