import { checkLength, checkRange, type ByteSource } from '../source/byte-source.js';
import { throwIfAborted } from '../errors.js';
import type { FileCalls } from './fs-async.js';
import { linkRefused } from './io-error.js';
import { openChecked, type OpenCheckedOptions } from './open-checked.js';

/** A local file read by position (pread), so offsets past 4 GiB and concurrent reads just work. */
export class FileSource implements ByteSource {
  /** Each read fills a buffer of its own (see read). */
  readonly freshReads = true;

  private constructor(
    private readonly fd: number,
    private readonly calls: FileCalls,
    readonly byteLength: number,
    readonly label: string,
  ) {}

  /**
   * `noFollow`: refuse a symbolic link at `path` (for files we are about to change). `blocking`:
   * read on the calling thread (blockingCalls), for a caller with nothing else to run. Opened
   * O_NONBLOCK, so a FIFO or a device at `path` is refused (NOT_A_FILE) instead of blocking the open.
   */
  static async open(path: string, options: { noFollow?: boolean; blocking?: boolean } = {}): Promise<FileSource> {
    const linkError = options.noFollow ? (p: string) => linkRefused(p) : undefined;
    return FileSource.openChecked(path, { follow: !options.noFollow, blocking: options.blocking, linkError });
  }

  /** An input file opened, then checked (openChecked: never through a link, the file a walk saw). */
  static async openChecked(path: string, options: OpenCheckedOptions = {}): Promise<FileSource> {
    const file = await openChecked(path, options);
    return new FileSource(file.fd, file.calls, file.stats.size, file.path);
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    throwIfAborted(signal);
    checkRange(this, offset, length);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.calls.read(this.fd, out, done, length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    checkLength(this, done, length, offset);
    return out;
  }

  close(): Promise<void> {
    return this.calls.close(this.fd);
  }
}
