/**
 * Writing model_card.zip (yazl, a Node library; reading is the shared reader, src/zip/). Files go
 * in one at a time, each read and deflated as a stream, so memory does not grow with their number
 * or size; what `card show` and `validate` would refuse (too many entries, too many bytes, unsafe
 * or repeated names) is refused before any file is read.
 */
import type { Stats } from 'node:fs';
import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import yazl from 'yazl';
import type { StreamBody } from '../artifact/member-input.js';
import { FIXED_MTIME } from '../build/tar-header.js';
import { checkWritableName } from '../build/tar-writer.js';
import { AbortError, ArtifactError, LimitError, SourceError, UsageError, isFnnxError, throwIfAborted } from '../errors.js';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from '../safety/zip-limits.js';
import type { ByteSource } from '../source/byte-source.js';
import { concatChunks, readChunks } from '../source/chunks.js';
import { writeFully } from './file-sink.js';
import { FileSource } from './file-source.js';
import { ioError } from './io-error.js';
import { NOFOLLOW, openNoFollow } from './no-follow.js';
import type { Identity } from './open-checked.js';

/** A file of the card: its name in the zip (index.html, or an asset's name), and its bytes or the regular file holding them. */
export type CardFile = { name: string; bytes: Uint8Array } | { name: string; path: string };

export interface CardZipOptions {
  /** The limits `card show` and `validate` will read the card with; the card is refused before it is built if it would break them. */
  limits?: Partial<ZipLimits>;
  signal?: AbortSignal;
  /** Called with each chunk's length as the files are read (progress). */
  onBytes?: (n: number) => void;
}

/** A card file checked and sized, before any is read. */
interface PlannedFile {
  name: string;
  size: number;
  bytes?: Uint8Array;
  path?: string;
  /** The file lstat saw when planning: the one read later must be it (openChecked). */
  seen?: Identity;
}

const identityOf = (st: Stats): Identity => ({ dev: st.dev, ino: st.ino, size: st.size });

/** Reading a file into the zip: 256 KiB at a time, one file open at once. */
const READ_CHUNK = 256 * 1024;

/**
 * Checks the card's files as the zip reader will check the card, before reading any: names safe
 * and unique (one path each), at most `maxZipEntries` files, at most `maxZipUncompressed` bytes in
 * all; a path must be a regular file (never a link: lstat, and opened O_NOFOLLOW later). Memory
 * is a name and a size per file.
 */
export async function planCardFiles(files: readonly CardFile[], limits: Partial<ZipLimits> = {}): Promise<PlannedFile[]> {
  const bounds = { ...DEFAULT_ZIP_LIMITS, ...limits };
  if (files.length > bounds.maxZipEntries) {
    throw new LimitError('maxZipEntries', `a card of ${files.length} files is over the limit of ${bounds.maxZipEntries} zip entries`);
  }
  const paths = new Set<string>();
  const planned: PlannedFile[] = [];
  let total = 0;
  for (const f of files) {
    // Plain names (no "\\", "." or empty parts) are one path each, so unique names never collide in the zip.
    checkWritableName(f.name);
    if (paths.has(f.name)) throw new UsageError('DUPLICATE_ASSET', `two card files would be named "${f.name}"`);
    paths.add(f.name);
    const st = 'bytes' in f ? undefined : await lstat(f.path).catch((e: unknown) => Promise.reject(ioError(e, f.path)));
    const size = 'bytes' in f ? f.bytes.length : regularSize(f.path, st!);
    total += size;
    if (total > bounds.maxZipUncompressed) {
      throw new LimitError('maxZipUncompressed', `the card's files total more than ${bounds.maxZipUncompressed} bytes, over the limit`);
    }
    planned.push('bytes' in f ? { name: f.name, size, bytes: f.bytes } : { name: f.name, size, path: f.path, seen: identityOf(st!) });
  }
  return planned;
}

function regularSize(path: string, st: Stats): number {
  if (st.isFile()) return st.size;
  const what = st.isSymbolicLink() ? 'a symbolic link' : st.isFIFO() ? 'a FIFO' : st.isDirectory() ? 'a directory' : 'a special file';
  throw new SourceError(
    'NOT_A_FILE',
    `${path} is ${what}, not a regular file; card files are read from regular files only (links are never followed)`,
  );
}

/** A deflated zip in memory, deterministic (fixed times and modes), refused before it is built if `card show` would refuse it. */
export async function buildCardZip(files: readonly CardFile[], options: CardZipOptions = {}): Promise<Uint8Array> {
  const planned = await planCardFiles(files, options.limits);
  const parts: Uint8Array[] = [];
  await writeCardZip(planned, options, async (chunk) => {
    parts.push(chunk);
  });
  return concatChunks(parts);
}

/** A card zip in a private temporary file, as the member body of an append; `close` releases it. */
export interface CardZipFile {
  body: StreamBody;
  close(): Promise<void>;
}

/**
 * Builds the zip of already planned files into a private temporary file (mode 0600 in a fresh
 * 0700 folder, removed as soon as it is open for reading), so neither the zip nor its files are
 * ever held in memory: an append needs the member's size before its first byte, and the check
 * before writing reads the card by range.
 */
export async function cardZipFile(planned: readonly PlannedFile[], options: CardZipOptions = {}): Promise<CardZipFile> {
  const dir = await mkdtemp(join(tmpdir(), 'fnnx-card-'));
  try {
    const path = join(dir, 'model_card.zip');
    const handle = await openNoFollow(path, NOFOLLOW.create, 0o600);
    let at = 0;
    try {
      await writeCardZip(planned, options, async (chunk) => {
        await writeFully(handle, chunk, at).catch((e: unknown) => Promise.reject(ioError(e, path)));
        at += chunk.length;
      });
    } finally {
      await handle.close();
    }
    const source = await FileSource.open(path, { noFollow: true });
    return { body: sourceBody(source), close: () => source.close() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A member body over a source the body does not own (the validator's ranges must not close it). */
function sourceBody(source: FileSource): StreamBody {
  const view: ByteSource = { byteLength: source.byteLength, label: source.label, read: (o, n, s) => source.read(o, n, s) };
  return { size: source.byteLength, open: () => readChunks(source, 0, source.byteLength), openRange: async () => view };
}

/** yazl, fed one file at a time (its read-stream entries wait their turn), its output handed to `sink` in order. */
async function writeCardZip(
  planned: readonly PlannedFile[],
  options: CardZipOptions,
  sink: (chunk: Uint8Array) => Promise<void>,
): Promise<void> {
  throwIfAborted(options.signal);
  const zip = new yazl.ZipFile();
  // A PassThrough (its type says only NodeJS.ReadableStream).
  const output = zip.outputStream as Readable;
  const failed = (e: unknown) => output.destroy(e instanceof Error ? e : new Error(String(e)));
  zip.on('error', failed);
  const onAbort = () => failed(new AbortError());
  options.signal?.addEventListener('abort', onAbort, { once: true });
  for (const f of planned) {
    const entry = { mtime: FIXED_MTIME, mode: 0o100644, compress: true, size: f.size };
    zip.addReadStreamLazy(f.name, entry, (done) => {
      fileChunks(f, options).then(
        (chunks) => {
          // yazl pipes the stream without listening for its errors: a failed read ends the zip here.
          const stream = Readable.from(chunks, { objectMode: false }).on('error', failed);
          done(null, stream);
        },
        (e: unknown) => done(e as Error, undefined as unknown as Readable),
      );
    });
  }
  zip.end();
  try {
    for await (const chunk of output) await sink(chunk as Uint8Array);
  } catch (e) {
    if (isFnnxError(e)) throw e;
    throw new ArtifactError('BAD_ZIP', `the card zip could not be written: ${(e as Error).message}`);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** One file's bytes, opened when its turn comes (O_NOFOLLOW, a regular file of the planned size). */
async function fileChunks(f: PlannedFile, options: CardZipOptions): Promise<AsyncIterable<Uint8Array>> {
  if (f.bytes) return counted([f.bytes], options.onBytes);
  const path = f.path!;
  // The file planned, or nothing: a link, a FIFO or another file swapped in since is refused
  // (SOURCE_CHANGED) without blocking, and a size change is SIZE_CHANGED.
  const source = await FileSource.openChecked(path, { seen: f.seen });
  return counted(closing(source, readChunks(source, 0, f.size, { chunkSize: READ_CHUNK, signal: options.signal })), options.onBytes);
}

async function* closing(source: FileSource, chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } finally {
    await source.close();
  }
}

async function* counted(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  onBytes?: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    onBytes?.(c.length);
    yield c;
  }
}
