/**
 * `tonsite bag create DIR`: makes a TON Storage bag from a directory (src/net/storage createBag) and prints its
 * bag id. Deterministic: files are read in full and sorted by path, the header records the directory's name
 * ("site/", as the C++ daemon and tonutils-storage do), so the same files give the same id every time.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  DEFAULT_PIECE_SIZE,
  MAX_PIECE_SIZE,
  StorageError,
  createBag,
  hexOf,
  type BagFileInput,
  type BuiltBag,
} from '../../net/storage/index.ts';
import { parseOptions } from '../args.ts';
import { CliError, type Command } from '../command.ts';

/** Every regular file under `dir` as a bag file ('/'-separated path relative to `dir`). Symlinks are skipped. */
export function readBagFiles(dir: string): BagFileInput[] {
  const files: BagFileInput[] = [];
  const walk = (path: string, prefix: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const st = lstatSync(full);
      if (st.isDirectory()) walk(full, `${prefix}${name}/`);
      else if (st.isFile())
        files.push({ name: `${prefix}${name}`, data: new Uint8Array(readFileSync(full)) });
    }
  };
  walk(dir, '');
  return files;
}

/** The bag of a directory, as `tonsite bag create` makes it. */
export function createBagFromDir(
  dir: string,
  opts: { description?: string; pieceSize?: number; dirName?: string } = {},
): BuiltBag {
  const root = resolve(dir);
  return createBag(readBagFiles(root), {
    pieceSize: opts.pieceSize ?? DEFAULT_PIECE_SIZE,
    description: opts.description ?? '',
    dirName: opts.dirName ?? `${basename(root)}/`,
  });
}

export const bagCommand: Command = {
  name: 'bag',
  summary: 'TON Storage bags: `bag create DIR` prints the bag id of a directory',
  usage: [
    'Usage: tonsite bag create DIR [--description TEXT] [--piece-size BYTES] [--dir-name NAME] [--json]',
    '',
    'Builds a TON Storage bag from every regular file under DIR (header with the file table, pieces, Merkle',
    'tree, TorrentInfo cell) and prints its bag id (64 hex digits). The same files give the same id every time.',
    '',
    '  --description TEXT   stored in the TorrentInfo (part of the bag id; default empty)',
    `  --piece-size BYTES   piece size (default ${DEFAULT_PIECE_SIZE}, at most ${MAX_PIECE_SIZE})`,
    '  --dir-name NAME      top directory recorded in the header (default: the name of DIR, with a "/")',
    '  --json               print one JSON line: bagId, files, size, pieces, pieceSize, rootHash, description',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseOptions(
      args,
      {
        description: { type: 'string', default: '' },
        'piece-size': { type: 'string' },
        'dir-name': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      true,
    );
    if (positionals[0] !== 'create' || positionals.length !== 2) {
      throw new CliError('usage: tonsite bag create DIR (see tonsite bag --help)', 2);
    }
    const dir = positionals[1];
    let pieceSize = DEFAULT_PIECE_SIZE;
    if (values['piece-size'] !== undefined) {
      pieceSize = /^\d{1,8}$/.test(values['piece-size']) ? Number(values['piece-size']) : NaN;
      if (!(pieceSize >= 1 && pieceSize <= MAX_PIECE_SIZE)) {
        throw new CliError(`--piece-size must be an integer in 1..${MAX_PIECE_SIZE}`, 2);
      }
    }
    try {
      if (!lstatSync(dir).isDirectory()) throw new CliError(`${dir} is not a directory`, 2);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`cannot read ${dir}: ${(error as Error).message}`, 2);
    }
    let bag: BuiltBag;
    try {
      bag = createBagFromDir(dir, {
        description: values.description,
        pieceSize,
        dirName: values['dir-name'],
      });
    } catch (error) {
      if (error instanceof StorageError) throw new CliError(`cannot make a bag of ${dir}: ${error.message}`);
      throw error;
    }
    const bagId = hexOf(bag.info.bagId);
    if (values.json) {
      console.log(
        JSON.stringify({
          bagId,
          files: bag.header.files.map((f) => ({ name: f.name, size: f.size })),
          dirName: bag.header.dirName,
          size: bag.info.fileSize,
          pieces: bag.info.piecesCount,
          pieceSize: bag.info.pieceSize,
          rootHash: hexOf(bag.info.rootHash),
          description: values.description,
        }),
      );
    } else {
      console.log(bagId);
    }
    return 0;
  },
};
