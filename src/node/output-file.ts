/**
 * `tonsite fetch -o FILE`: the body goes to a temporary file beside FILE and is renamed onto FILE only once the
 * whole body arrived, so a transfer that dies midway never leaves a truncated FILE (nor replaces an older one).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export class OutputFile {
  readonly path: string;
  readonly tempPath: string;
  readonly #stream: WriteStream;
  #error: Error | null = null;

  constructor(path: string) {
    this.path = path;
    this.tempPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
    this.#stream = createWriteStream(this.tempPath, { flags: 'wx' });
    this.#stream.on('error', (error) => (this.#error ??= error));
  }

  write(chunk: Uint8Array): Promise<void> {
    if (this.#error) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => {
      this.#stream.write(chunk, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Closes the temporary file and renames it onto the target. */
  async commit(): Promise<void> {
    await this.#close();
    if (this.#error) {
      await this.abort();
      throw this.#error;
    }
    await rename(this.tempPath, this.path);
  }

  /** Closes and removes the temporary file; the target is left as it was. */
  async abort(): Promise<void> {
    await this.#close();
    await rm(this.tempPath, { force: true });
  }

  #close(): Promise<void> {
    if (this.#stream.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#stream.once('close', () => resolve());
      this.#stream.end();
    });
  }
}
