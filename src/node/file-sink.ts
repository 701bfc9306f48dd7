import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ioError } from './file-source.js';

/**
 * Writes chunks to a file in order; `write` resolves once the chunk is on its way to the disk
 * (written to the page cache), so the caller may reuse its buffer. The file appears at `path` only
 * when complete and synced (written under a temporary name, then renamed): an interrupted pack
 * leaves nothing half-made.
 */
export class AtomicFileSink {
  private position = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly tempPath: string,
    readonly path: string,
  ) {}

  static async create(path: string): Promise<AtomicFileSink> {
    const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.partial`);
    try {
      return new AtomicFileSink(await open(tempPath, 'wx'), tempPath, path);
    } catch (e) {
      throw ioError(e, path);
    }
  }

  readonly write = async (chunk: Uint8Array): Promise<void> => {
    const at = this.position;
    this.position += chunk.length;
    await writeFully(this.handle, chunk, at).catch((e: unknown) => {
      throw ioError(e, this.path);
    });
  };

  /** Flushes, syncs and moves the file into place. */
  async commit(): Promise<void> {
    await this.handle.sync();
    await this.handle.close();
    await rename(this.tempPath, this.path).catch((e: unknown) => {
      throw ioError(e, this.path);
    });
  }

  /** Drops the partial file (after a failure). */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }
}

export async function writeFully(handle: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, position + done);
    done += bytesWritten;
  }
}
