/** ../shared/spec/vectors/tonutils-go/storage-bag.json (made by tonutils-storage, not by us). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface StorageBagVector {
  bag_id: string;
  torrent_info_boc_hex: string;
  torrent_info_fields: {
    description: string;
    file_size: number;
    header_hash: string;
    header_size: number;
    piece_size: number;
    root_hash: string;
  };
  header_tl_hex: string;
  header_sha256: string;
  overlay_id: string;
  overlay_query_get_piece_0_tl_hex: string;
  get_piece_0_query_tl_hex: string;
  get_torrent_info_query_tl_hex: string;
  pieces_num: number;
  piece_data_sha256: string[];
  pieces_full: Record<string, { data_hex: string; data_len: number; proof_boc_hex: string }>;
}

export const vector = JSON.parse(
  readFileSync(resolve('../shared/spec/vectors/tonutils-go/storage-bag.json'), 'utf8'),
) as StorageBagVector;

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
