/**
 * A small zip reader for the browser: the central directory is read by ranges from the end of
 * a zip that lies at `[base, base+size)` of a byte source (a member of a tar), and one file is
 * inflated with the platform's DecompressionStream. Enough for model cards; no zip64, no
 * encryption, and every number from the file is checked against the zip's size before use.
 */
import type { ByteSource } from '../source/byte-source.js';
import { ArtifactError, LimitError } from '../errors.js';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from '../safety/zip-limits.js';

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export { DEFAULT_ZIP_LIMITS, type ZipLimits };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;

export class ZipReader {
  private constructor(
    private readonly source: ByteSource,
    private readonly base: number,
    private readonly size: number,
    private readonly member: string,
    readonly entries: ZipEntry[],
    private readonly limits: ZipLimits,
  ) {}

  /** Reads the central directory of the zip at `[base, base+size)`; `member` names it in errors. */
  static async open(
    source: ByteSource,
    base: number,
    size: number,
    member: string,
    options: { limits?: Partial<ZipLimits>; signal?: AbortSignal } = {},
  ): Promise<ZipReader> {
    const limits = { ...DEFAULT_ZIP_LIMITS, ...options.limits };
    const fail = (why: string) => new ArtifactError('BAD_ZIP', `not a readable zip: ${why}`, { member });
    if (size < EOCD_MIN) throw fail('too short to hold an end-of-central-directory record');
    const tailLength = Math.min(size, EOCD_MIN + MAX_COMMENT);
    const tail = await source.read(base + size - tailLength, tailLength, options.signal);
    const at = findEocd(tail);
    if (at < 0) throw fail('no end-of-central-directory record');
    const v = view(tail);
    const count = v.getUint16(at + 10, true);
    const cdSize = v.getUint32(at + 12, true);
    const cdOffset = v.getUint32(at + 16, true);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      throw new ArtifactError('ZIP64_UNSUPPORTED', 'zip64 archives are not supported in the browser reader', { member });
    }
    if (count > limits.maxZipEntries) throw new LimitError('maxZipEntries', `zip has ${count} entries`, { member });
    if (cdOffset + cdSize > size - (tailLength - at)) throw fail('central directory lies outside the zip');
    const cd = await source.read(base + cdOffset, cdSize, options.signal);
    const entries = parseCentralDirectory(cd, count, size, fail);
    return new ZipReader(source, base, size, member, entries, limits);
  }

  find(name: string): ZipEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }

  /** The uncompressed bytes of one entry, checked against its declared size and CRC-32. */
  async read(entry: ZipEntry, signal?: AbortSignal): Promise<Uint8Array> {
    const where = `${this.member}!${entry.name}`;
    const fail = (why: string) => new ArtifactError('BAD_ZIP', why, { member: where });
    if (entry.uncompressedSize > this.limits.maxZipUncompressed) {
      throw new LimitError('maxZipUncompressed', `${entry.uncompressedSize} bytes uncompressed is over the limit`, { member: where });
    }
    if (entry.localHeaderOffset + 30 > this.size) throw fail('local header lies outside the zip');
    const local = view(await this.source.read(this.base + entry.localHeaderOffset, 30, signal));
    if (local.getUint32(0, true) !== LOCAL) throw fail('bad local header signature');
    const dataStart = entry.localHeaderOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
    if (dataStart + entry.compressedSize > this.size) throw fail('entry data runs past the end of the zip');
    const raw = await this.source.read(this.base + dataStart, entry.compressedSize, signal);
    const bytes = await decompress(raw, entry, this.limits.maxZipUncompressed, fail);
    if (bytes.length !== entry.uncompressedSize) {
      throw fail(`inflated to ${bytes.length} bytes, the directory says ${entry.uncompressedSize}`);
    }
    if (crc32(bytes) !== entry.crc32) throw fail('CRC-32 mismatch: the entry is corrupted');
    return bytes;
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The last EOCD signature whose comment length reaches exactly to the end. */
function findEocd(tail: Uint8Array): number {
  const v = view(tail);
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (v.getUint32(i, true) === EOCD && i + EOCD_MIN + v.getUint16(i + 20, true) === tail.length) return i;
  }
  return -1;
}

function parseCentralDirectory(cd: Uint8Array, count: number, zipSize: number, fail: (why: string) => Error): ZipEntry[] {
  const v = view(cd);
  const utf8 = new TextDecoder('utf-8');
  const entries: ZipEntry[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > cd.length || v.getUint32(pos, true) !== CENTRAL) throw fail(`central directory entry ${i} is malformed`);
    const flags = v.getUint16(pos + 8, true);
    const nameLength = v.getUint16(pos + 28, true);
    const next = pos + 46 + nameLength + v.getUint16(pos + 30, true) + v.getUint16(pos + 32, true);
    if (next > cd.length) throw fail(`central directory entry ${i} runs past the directory`);
    if (flags & 1) throw fail(`entry ${i} is encrypted`);
    const entry: ZipEntry = {
      name: utf8.decode(cd.subarray(pos + 46, pos + 46 + nameLength)),
      method: v.getUint16(pos + 10, true),
      crc32: v.getUint32(pos + 16, true),
      compressedSize: v.getUint32(pos + 20, true),
      uncompressedSize: v.getUint32(pos + 24, true),
      localHeaderOffset: v.getUint32(pos + 42, true),
    };
    if (entry.localHeaderOffset >= zipSize || entry.compressedSize > zipSize) throw fail(`entry ${entry.name} lies outside the zip`);
    entries.push(entry);
    pos = next;
  }
  return entries;
}

async function decompress(raw: Uint8Array, entry: ZipEntry, max: number, fail: (why: string) => Error): Promise<Uint8Array> {
  if (entry.method === 0) return raw;
  if (entry.method !== 8) throw fail(`compression method ${entry.method} is not supported (only stored and deflate)`);
  const stream = new Blob([raw as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const part of stream as unknown as AsyncIterable<Uint8Array>) {
      total += part.length;
      // Stop a zip bomb as soon as it passes what the directory promised (or the limit).
      if (total > Math.min(max, entry.uncompressedSize)) throw fail(`inflates past its declared ${entry.uncompressedSize} bytes`);
      parts.push(part);
    }
  } catch (e) {
    if (e instanceof ArtifactError) throw e;
    throw fail(`deflate data is corrupted (${(e as Error).message})`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

let table: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
