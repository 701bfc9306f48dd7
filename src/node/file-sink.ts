import { writeSync } from 'node:fs';
import { readdir, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ioError } from './io-error.js';
import { placeOutput, refuseSpecialOutput } from './output-file.js';
import { NOFOLLOW, openNoFollow } from './no-follow.js';
import { loopTurns } from './fs-async.js';

/**
 * Writes chunks to a file in order, one write in flight: `write` starts writing its chunk and
 * returns once the previous chunk is written, so the caller hashes the next chunk while this one
 * goes to disk (a chunk is in use until the next `write` returns: the ChunkSink contract). The
 * file appears at `path` only when complete and synced (written under a temporary name, then
 * renamed): an interrupted pack leaves nothing half-made.
 */
/** Start flushing to disk every this many bytes, so the final sync has little left to wait for. */
const FLUSH_EVERY = 64 * 1024 * 1024;

export class AtomicFileSink {
  private pending: Promise<void> = Promise.resolve();
  private position = 0;
  private flushedAt = 0;
  private flushing?: Promise<void>;
  /** Blocking writes give the event loop a turn now and then (a signal handler may be waiting). */
  private readonly turns = loopTurns();

  private constructor(
    private readonly handle: FileHandle,
    private readonly tempPath: string,
    readonly path: string,
    private readonly blocking: boolean,
  ) {}

  /**
   * `blocking`: each write is done (writeSync) before `write` returns, and the file is synced once
   * at commit, as `tar -cf` then `sync` does; it beats handing every chunk to the thread pool on a
   * loaded machine, and blocks the calling thread, so it is for the CLI.
   */
  static async create(path: string, options: { blocking?: boolean } = {}): Promise<AtomicFileSink> {
    // Why blocking wins: docs/design.md, "The CLI packs in blocking mode" (a line comment: .d.ts files name no unshipped document).
    // The output is replaced by rename (never written through), but only a regular file is ours to replace.
    await refuseSpecialOutput(path);
    // isTempFileOf below recognises this name: keep the two in step.
    const tempPath = join(dirname(path), `${tempPrefix(basename(path), process.pid)}${Date.now()}.partial`);
    // Private while it is written; it gets the mode a new file gets when it takes the output's name.
    return new AtomicFileSink(await openNoFollow(tempPath, NOFOLLOW.create, 0o600), tempPath, path, options.blocking === true);
  }

  readonly write = async (chunk: Uint8Array): Promise<void> => {
    if (this.blocking) {
      this.writeNow(chunk);
      return this.turns(chunk.length);
    }
    await this.pending;
    const at = this.position;
    this.position += chunk.length;
    this.pending = writeFully(this.handle, chunk, at).catch((e: unknown) => {
      throw ioError(e, this.path);
    });
    // A failure surfaces at the next write or at commit; it must not surface unhandled first.
    this.pending.catch(() => undefined);
    this.flushInBackground();
  };

  private writeNow(chunk: Uint8Array): void {
    try {
      for (let done = 0; done < chunk.length;) done += writeSync(this.handle.fd, chunk, done, chunk.length - done, this.position + done);
    } catch (e) {
      throw ioError(e, this.path);
    }
    this.position += chunk.length;
  }

  /**
   * Writeback overlaps hashing: a datasync runs on the thread pool while the next chunks are
   * produced (one at a time), instead of one long sync of the whole file at the end.
   */
  private flushInBackground(): void {
    if (this.flushing || this.position - this.flushedAt < FLUSH_EVERY) return;
    const upTo = this.position;
    this.flushing = this.pending
      .then(() => this.handle.datasync())
      .then(() => {
        this.flushedAt = upTo;
        this.flushing = undefined;
      });
    this.flushing.catch(() => undefined);
  }

  /** Flushes, syncs and moves the file into place. */
  async commit(): Promise<void> {
    await this.pending;
    await this.flushing;
    await this.handle.sync();
    try {
      await placeOutput(this.handle, this.tempPath, this.path);
    } finally {
      await this.handle.close();
    }
  }

  /** Removes the temporary files a killed process `pid` left for `path` (found stale by its lock). */
  static async dropLeftovers(path: string, pid: number): Promise<void> {
    const prefix = tempPrefix(basename(path), pid);
    const names = await readdir(dirname(path)).catch(() => [] as string[]);
    for (const n of names) if (n.startsWith(prefix) && n.endsWith('.partial')) await rm(join(dirname(path), n), { force: true });
  }

  /** Drops the partial file (after a failure). */
  async abort(): Promise<void> {
    await this.pending.catch(() => undefined);
    await this.flushing?.catch(() => undefined);
    await this.handle.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }
}

function tempPrefix(outputName: string, pid: number): string {
  return `.${outputName}.${pid}.`;
}

/** True when `name` (a base name in the output's folder) is one of AtomicFileSink's temporary files for `outputName`. */
export function isTempFileOf(outputName: string, name: string): boolean {
  const prefix = `.${outputName}.`;
  return name.startsWith(prefix) && /^\d+\.\d+\.partial$/.test(name.slice(prefix.length));
}

export async function writeFully(handle: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, position + done);
    done += bytesWritten;
  }
}
