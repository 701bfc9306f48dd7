/**
 * Zip attachments (model cards, experiment databases) opened as hostile input: straight from a
 * byte range of the artifact (no temporary file), entry count and total declared uncompressed size
 * bounded before any data is inflated, entry names checked, and yauzl's size validation kept on
 * so an entry whose data inflates past its declared size fails instead of filling memory.
 */
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { ByteSource } from '../source/byte-source.js';
import { readChunks } from '../source/chunks.js';
import { ArtifactError, FnnxError, LimitError, UsageError } from '../errors.js';
import { checkMemberPath } from '../safety/member-path.js';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from '../safety/zip-limits.js';

export { DEFAULT_ZIP_LIMITS, type ZipLimits };

export interface SafeZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  isDirectory: boolean;
}

export interface SafeZip {
  /** Every entry, names checked, sizes within the limits. */
  readonly entries: readonly SafeZipEntry[];
  /** One entry's inflated bytes as chunks; inflation beyond its declared size is an error. */
  stream(name: string): AsyncIterable<Uint8Array>;
  /** One entry whole; refuses entries over `maxBytes` before inflating them. */
  read(name: string, maxBytes?: number): Promise<Uint8Array>;
  close(): void;
}

export interface OpenZipOptions {
  /** Where the zip starts in the source (a member's data offset) and how long it is. */
  offset?: number;
  length?: number;
  /** The artifact member holding the zip, for messages. */
  member?: string;
  limits?: Partial<ZipLimits>;
}

/** Opens a zip held in `source[offset, offset+length)` and checks its directory against the limits. */
export async function openZipSafely(source: ByteSource, options: OpenZipOptions = {}): Promise<SafeZip> {
  const limits = { ...DEFAULT_ZIP_LIMITS, ...options.limits };
  const offset = options.offset ?? 0;
  const length = options.length ?? source.byteLength - offset;
  const member = options.member;
  const zip = await guard(member, () =>
    yauzl.fromRandomAccessReaderPromise(new RangeReader(source, offset, length, member), length, {
      lazyEntries: true,
      decodeStrings: true,
      validateEntrySizes: true,
      autoClose: false,
    }),
  );
  try {
    if (zip.entryCount > limits.maxZipEntries) {
      throw new LimitError('maxZipEntries', `zip declares ${zip.entryCount} entries, over the limit of ${limits.maxZipEntries}`, {
        member,
      });
    }
    const raw = await readDirectory(zip, member, limits);
    return new CheckedZip(zip, raw, member);
  } catch (e) {
    zip.close();
    throw e;
  }
}

async function readDirectory(zip: yauzl.ZipFile, member: string | undefined, limits: ZipLimits): Promise<Map<string, yauzl.Entry>> {
  const entries = new Map<string, yauzl.Entry>();
  let total = 0;
  await guard(
    member,
    () =>
      new Promise<void>((resolve, reject) => {
        zip.on('error', reject);
        zip.on('end', () => resolve());
        zip.on('entry', (entry: yauzl.Entry) => {
          try {
            const problem = checkMemberPath(entry.fileName);
            if (problem) throw new ArtifactError(problem.code, `zip entry "${entry.fileName}": ${problem.message}`, { member });
            total += entry.uncompressedSize;
            if (total > limits.maxZipUncompressed) {
              throw new LimitError(
                'maxZipUncompressed',
                `zip entries declare more than ${limits.maxZipUncompressed} uncompressed bytes (a zip bomb, or a very large attachment)`,
                { member },
              );
            }
            entries.set(entry.fileName, entry);
            zip.readEntry();
          } catch (e) {
            reject(e);
          }
        });
        zip.readEntry();
      }),
  );
  return entries;
}

class CheckedZip implements SafeZip {
  readonly entries: SafeZipEntry[];

  constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly raw: Map<string, yauzl.Entry>,
    private readonly member: string | undefined,
  ) {
    this.entries = [...raw.values()].map((e) => ({
      name: e.fileName,
      compressedSize: e.compressedSize,
      uncompressedSize: e.uncompressedSize,
      isDirectory: e.fileName.endsWith('/'),
    }));
  }

  async *stream(name: string): AsyncIterable<Uint8Array> {
    const entry = this.raw.get(name);
    if (!entry) throw new UsageError('NO_SUCH_ZIP_ENTRY', `the zip has no entry "${name}"`, { member: this.member });
    const stream = await guard(this.member, () => this.zip.openReadStreamPromise(entry));
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } catch (e) {
      throw toZipError(e, this.member);
    } finally {
      stream.destroy();
    }
  }

  async read(name: string, maxBytes = DEFAULT_ZIP_LIMITS.maxZipUncompressed): Promise<Uint8Array> {
    const entry = this.raw.get(name);
    if (entry && entry.uncompressedSize > maxBytes) {
      throw new LimitError('maxZipUncompressed', `zip entry "${name}" is ${entry.uncompressedSize} bytes, over ${maxBytes}`, {
        member: this.member,
      });
    }
    const parts: Uint8Array[] = [];
    for await (const chunk of this.stream(name)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  close(): void {
    this.zip.close();
  }
}

/**
 * yauzl reads through this: every range becomes positional reads of the artifact, and only of the
 * zip's own member. yauzl reads a local header before it checks the offset that led there, so a
 * directory pointing past the zip would otherwise read another member's bytes.
 */
class RangeReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly source: ByteSource,
    private readonly base: number,
    private readonly length: number,
    private readonly member: string | undefined,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    if (!(start >= 0 && start <= end && end <= this.length)) {
      const error = new ArtifactError(
        'BAD_ZIP',
        `not a sound zip: an offset points outside the zip (bytes ${start}..${end} of ${this.length})`,
        {
          member: this.member,
        },
      );
      return new Readable({ read: () => undefined }).destroy(error);
    }
    const chunks = readChunks(this.source, this.base + start, end - start, { chunkSize: 256 * 1024 });
    return Readable.from(
      (async function* () {
        for await (const c of chunks) yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
      })(),
      { objectMode: false },
    );
  }
}

async function guard<T>(member: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw toZipError(e, member);
  }
}

function toZipError(e: unknown, member: string | undefined): FnnxError {
  if (e instanceof FnnxError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ArtifactError('BAD_ZIP', `not a sound zip: ${message.slice(0, 200)}`, { member, cause: e });
}
