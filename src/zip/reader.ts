/**
 * The one zip reader (model cards), for Node and the browser alike: a zip lying at
 * `[offset, offset+length)` of a byte source (a member of a tar, local or remote) is read by
 * ranges, never whole, and treated as hostile. Opening reads the end records and the central
 * directory and refuses, before inflating anything:
 *
 * - anything but a zip: no end record, a split zip, a directory outside the zip or not ending
 *   where its end record starts (BAD_ZIP); zip64 end records and sizes are read;
 * - more than `maxZipEntries` entries, or entries declaring more than `maxZipUncompressed` bytes
 *   in all (LIMIT_EXCEEDED);
 * - an entry name that is unsafe as a path (`checkMemberPath`: its own code, e.g.
 *   PATH_TRAVERSAL), not valid UTF-8 when flagged so, or longer than 4096 bytes;
 * - two entries with the same path (`a`, `./a`, `a/` are one path), encryption, a method other
 *   than stored or deflate, a stored entry whose sizes differ, and entries whose minimal extents
 *   (local header, name, data) overlap each other or the directory (BAD_ZIP).
 *
 * Reading an entry then checks its local header against the directory (signature, method, name
 * bytes, and CRC-32 and sizes unless deferred to a data descriptor) and that its data ends before
 * the next entry, inflates with the platform's inflater (inflate.ts), stops as soon as the output
 * passes the declared size, and checks the size and CRC-32 at the end (BAD_ZIP).
 */
import type { ByteSource } from '../source/byte-source.js';
import { ArtifactError, FnnxError, LimitError, UsageError, throwIfAborted } from '../errors.js';
import { checkMemberPath, memberSegments } from '../safety/member-path.js';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from '../safety/zip-limits.js';
import { crc32 } from './crc32.js';
import { ZipCursor } from './cursor.js';
import { inflater } from './inflate.js';

export interface ZipEntry {
  /** As stored (UTF-8, or CP437 without the UTF-8 flag); a safe relative path. */
  readonly name: string;
  readonly isDirectory: boolean;
  /** 0 stored, 8 deflate. */
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Where its local header starts, from the start of the zip. */
  readonly localHeaderOffset: number;
}

export interface OpenZipOptions {
  /** Where the zip starts in the source (a member's data offset; default 0) and its length (default: the rest). */
  offset?: number;
  length?: number;
  /** What holds the zip (an artifact member), for messages. */
  member?: string;
  limits?: Partial<ZipLimits>;
  signal?: AbortSignal;
}

/** What only the reader needs about an entry. */
interface Placed extends ZipEntry {
  readonly nameBytes: Uint8Array;
  /** Where the next entry (or the directory) starts: the entry's data must end before it. */
  end: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const LOCATOR64 = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const LOCATOR_SIZE = 20;
const EOCD64_SIZE = 56;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
/** Longer names than any file system takes (Linux's PATH_MAX); this also bounds the directory's memory. */
const MAX_NAME_BYTES = 4096;
const FLAG_ENCRYPTED = 0x1;
const FLAG_DATA_DESCRIPTOR = 0x8;
const FLAG_STRONG_ENCRYPTION = 0x40;
const FLAG_UTF8 = 0x800;
/** A card page up to this size is checked whole (size, CRC-32) before its first byte is handed out. */
const HOLD_BACK = 1024 * 1024;

export class ZipReader {
  private readonly byPath: Map<string, Placed>;

  private constructor(
    private readonly source: ByteSource,
    private readonly base: number,
    private readonly placed: Placed[],
    /** Where the central directory starts: every entry lies before it. */
    private readonly directoryAt: number,
    private readonly member: string | undefined,
  ) {
    this.byPath = new Map(placed.map((e) => [pathKey(e.name), e]));
  }

  /** Every entry in the directory's order, checked as the module comment says. */
  get entries(): readonly ZipEntry[] {
    return this.placed;
  }

  /** Reads and checks the zip's end records and central directory; inflates nothing. */
  static async open(source: ByteSource, options: OpenZipOptions = {}): Promise<ZipReader> {
    const limits = { ...DEFAULT_ZIP_LIMITS, ...options.limits };
    const base = options.offset ?? 0;
    const length = options.length ?? source.byteLength - base;
    const member = options.member;
    const bad = badZip(member);
    if (length === 0) throw bad('it is empty (0 bytes)');
    if (length < EOCD_SIZE) throw bad(`${length} bytes are too few for a zip's end record`);
    const end = await endRecord(source, base, length, bad, options.signal);
    if (end.count > limits.maxZipEntries) {
      throw new LimitError('maxZipEntries', `zip declares ${end.count} entries, over the limit of ${limits.maxZipEntries}`, { member });
    }
    const cursor = new ZipCursor(source, base, end.directoryAt, end.directoryAt + end.directorySize, bad, options.signal);
    const placed = await readDirectory(cursor, end.count, limits, member, bad);
    placeEntries(placed, end.directoryAt, bad);
    return new ZipReader(source, base, placed, end.directoryAt, member);
  }

  /** The entry of exactly this name, if any. */
  find(name: string): ZipEntry | undefined {
    const entry = this.byPath.get(pathKey(name));
    return entry?.name === name ? entry : undefined;
  }

  /**
   * One entry's bytes as they inflate, checked. The last MiB is handed out only once the size and
   * CRC-32 are known good, so a page up to 1 MiB is never shown in part; a longer one that fails
   * at its end has been handed out up to that last MiB.
   */
  async *stream(entry: ZipEntry | string, options: { signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array> {
    const placed = this.placedEntry(entry);
    const cursor = new ZipCursor(this.source, this.base, placed.localHeaderOffset, placed.end, badZip(this.member), options.signal);
    const held: Uint8Array[] = [];
    let heldBytes = 0;
    for await (const piece of this.inflated(placed, cursor, options.signal)) {
      held.push(piece);
      heldBytes += piece.length;
      while (heldBytes - held[0]!.length >= HOLD_BACK) {
        const out = held.shift()!;
        heldBytes -= out.length;
        yield out;
      }
    }
    yield* held;
  }

  /** One entry whole (its declared size is within the limits already). */
  async read(entry: ZipEntry | string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const placed = this.placedEntry(entry);
    const out = new Uint8Array(placed.uncompressedSize);
    let at = 0;
    const cursor = new ZipCursor(this.source, this.base, placed.localHeaderOffset, placed.end, badZip(this.member), options.signal);
    for await (const piece of this.inflated(placed, cursor, options.signal)) {
      out.set(piece, at);
      at += piece.length;
    }
    return out;
  }

  /**
   * Inflates and checks every entry, keeping nothing (what `validate` does). One pass in offset
   * order through one cursor: a read per 256 KiB, however many entries.
   */
  async check(options: { signal?: AbortSignal } = {}): Promise<void> {
    const order = [...this.placed].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
    const first = order[0]?.localHeaderOffset ?? this.directoryAt;
    const cursor = new ZipCursor(this.source, this.base, first, this.directoryAt, badZip(this.member), options.signal, 1024 * 1024);
    for (const entry of order) {
      cursor.seek(entry.localHeaderOffset);
      for await (const piece of this.inflated(entry, cursor, options.signal)) void piece;
    }
  }

  private placedEntry(entry: ZipEntry | string): Placed {
    const name = typeof entry === 'string' ? entry : entry.name;
    const found = this.byPath.get(pathKey(name));
    if (!found || found.name !== name) {
      throw new UsageError('NO_SUCH_ZIP_ENTRY', `the zip has no entry "${name}"`, { member: this.member });
    }
    return found;
  }

  /** The entry's inflated bytes, its local header checked first and its size and CRC-32 last. */
  private async *inflated(entry: Placed, cursor: ZipCursor, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
    const bad = badZip(this.member, entry.name);
    await checkLocalHeader(entry, cursor, bad);
    const compressed = cursor.chunks(entry.compressedSize, 'its data');
    let total = 0;
    let crc = 0;
    try {
      for await (const piece of entry.method === 0
        ? compressed
        : inflater()(compressed, { compressed: entry.compressedSize, uncompressed: entry.uncompressedSize })) {
        throwIfAborted(signal);
        total += piece.length;
        // A bomb stops here, as soon as it passes what the directory promised.
        if (total > entry.uncompressedSize) throw bad(`inflates past its declared ${entry.uncompressedSize} bytes`);
        crc = crc32(piece, crc);
        yield piece;
      }
    } catch (e) {
      if (e instanceof FnnxError) throw e;
      // The platform's words differ (zlib, Chromium); the verdict and code do not.
      throw bad('its deflate data is corrupt or does not end where its compressed size says', e);
    }
    if (total !== entry.uncompressedSize) throw bad(`inflates to ${total} bytes; the directory says ${entry.uncompressedSize}`);
    if (crc !== entry.crc32) throw bad('its CRC-32 does not match its data (the entry is corrupt)');
  }
}

/** BAD_ZIP about the zip held by `member`, or about one of its entries. */
function badZip(member: string | undefined, entry?: string): (why: string, cause?: unknown) => ArtifactError {
  const about = entry === undefined ? 'not a sound zip' : `not a sound zip: entry "${entry}"`;
  return (why, cause) => new ArtifactError('BAD_ZIP', `${about}: ${why}`, { member, cause });
}

/** Two names that extract to the same file are one path: `a`, `./a`, `a/`, `a\`. */
function pathKey(name: string): string {
  return memberSegments(name).join('/');
}

interface EndRecord {
  count: number;
  directoryAt: number;
  directorySize: number;
}

/** The end record (and zip64's, when there is one); the directory must end where they start. */
async function endRecord(
  source: ByteSource,
  base: number,
  length: number,
  bad: (why: string) => Error,
  signal: AbortSignal | undefined,
): Promise<EndRecord> {
  const tailLength = Math.min(length, EOCD_SIZE + MAX_COMMENT + LOCATOR_SIZE);
  const tailAt = length - tailLength;
  const tail = await source.read(base + tailAt, tailLength, signal);
  const v = view(tail);
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0 && at < 0; i--) {
    if (v.getUint32(i, true) === EOCD && i + EOCD_SIZE + v.getUint16(i + 20, true) === tail.length) at = i;
  }
  if (at < 0) throw bad('no end-of-central-directory record (this is not a zip)');
  if (v.getUint16(at + 4, true) !== 0 || v.getUint16(at + 6, true) !== 0 || v.getUint16(at + 8, true) !== v.getUint16(at + 10, true)) {
    throw bad('a zip split over several disks');
  }
  const record = { count: v.getUint16(at + 10, true), directorySize: v.getUint32(at + 12, true), directoryAt: v.getUint32(at + 16, true) };
  let directoryEnd = tailAt + at;
  if (at >= LOCATOR_SIZE && v.getUint32(at - LOCATOR_SIZE, true) === LOCATOR64) {
    const locator = at - LOCATOR_SIZE;
    const zip64At = uint64(v, locator + 8, bad);
    if (v.getUint32(locator + 4, true) !== 0 || v.getUint32(locator + 16, true) > 1) throw bad('a zip64 zip split over several disks');
    if (zip64At + EOCD64_SIZE > tailAt + locator) throw bad('the zip64 end record lies outside the zip');
    const z = view(await source.read(base + zip64At, EOCD64_SIZE, signal));
    if (z.getUint32(0, true) !== EOCD64) throw bad('no zip64 end record where its locator points');
    if (z.getUint32(16, true) !== 0 || z.getUint32(20, true) !== 0 || uint64(z, 24, bad) !== uint64(z, 32, bad)) {
      throw bad('a zip64 zip split over several disks');
    }
    record.count = uint64(z, 32, bad);
    record.directorySize = uint64(z, 40, bad);
    record.directoryAt = uint64(z, 48, bad);
    directoryEnd = zip64At;
  } else if (record.count === 0xffff || record.directorySize === 0xffffffff || record.directoryAt === 0xffffffff) {
    throw bad('its end record says zip64 but there is no zip64 end record');
  }
  if (record.directoryAt + record.directorySize !== directoryEnd) {
    throw bad(
      `its central directory (${record.directorySize} bytes at ${record.directoryAt}) does not end where its end record starts (${directoryEnd})`,
    );
  }
  return record;
}

/** Every central directory record, names and sizes checked, the declared total bounded. */
async function readDirectory(
  cursor: ZipCursor,
  count: number,
  limits: ZipLimits,
  member: string | undefined,
  bad: (why: string) => Error,
): Promise<Placed[]> {
  const entries: Placed[] = [];
  const paths = new Set<string>();
  let total = 0;
  for (let i = 0; i < count; i++) {
    const entry = await centralRecord(cursor, i, bad);
    const problem = checkMemberPath(entry.name);
    if (problem) throw new ArtifactError(problem.code, `zip entry "${entry.name}": ${problem.message}`, { member });
    const key = pathKey(entry.name);
    if (paths.has(key)) throw bad(`two entries are named "${key}" (a zip holds one entry per path)`);
    paths.add(key);
    total += entry.uncompressedSize;
    if (total > limits.maxZipUncompressed) {
      throw new LimitError(
        'maxZipUncompressed',
        `zip entries declare more than ${limits.maxZipUncompressed} uncompressed bytes in all (a zip bomb, or a very large attachment)`,
        { member },
      );
    }
    entries.push(entry);
  }
  if (cursor.position !== cursor.end) throw bad(`its central directory holds more than the ${count} entries its end record counts`);
  return entries;
}

async function centralRecord(cursor: ZipCursor, i: number, bad: (why: string) => Error): Promise<Placed> {
  const fixed = view(await cursor.bytes(CENTRAL_SIZE, `central directory record ${i}`));
  if (fixed.getUint32(0, true) !== CENTRAL) throw bad(`central directory record ${i} has no signature`);
  const flags = fixed.getUint16(8, true);
  const method = fixed.getUint16(10, true);
  const nameLength = fixed.getUint16(28, true);
  const extraLength = fixed.getUint16(30, true);
  const commentLength = fixed.getUint16(32, true);
  const disk = fixed.getUint16(34, true);
  const sizes = { compressed: fixed.getUint32(20, true), uncompressed: fixed.getUint32(24, true), offset: fixed.getUint32(42, true) };
  const crc = fixed.getUint32(16, true);
  if (nameLength > MAX_NAME_BYTES) throw bad(`entry ${i} has a name of ${nameLength} bytes (over ${MAX_NAME_BYTES})`);
  const nameBytes = (await cursor.bytes(nameLength, `the name of entry ${i}`)).slice();
  const name = decodeName(nameBytes, flags, () => bad(`the name of entry ${i} is flagged UTF-8 but is not`));
  const extra = await cursor.bytes(extraLength, `the extra fields of entry ${i}`);
  if (sizes.uncompressed === 0xffffffff || sizes.compressed === 0xffffffff || sizes.offset === 0xffffffff || disk === 0xffff) {
    zip64Sizes(extra, sizes, disk === 0xffff, bad(`entry "${name}": its zip64 extra field is missing or short`), bad);
  } else if (disk !== 0) throw bad(`entry "${name}" lies on another disk`);
  await cursor.bytes(commentLength, `the comment of entry ${i}`);
  if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) throw bad(`entry "${name}" is encrypted`);
  if (method !== 0 && method !== 8) throw bad(`entry "${name}" uses compression method ${method} (only stored and deflate are read)`);
  if (method === 0 && sizes.compressed !== sizes.uncompressed) throw bad(`entry "${name}" is stored but its two sizes differ`);
  const isDirectory = name.endsWith('/') || name.endsWith('\\');
  if (isDirectory && sizes.uncompressed !== 0) throw bad(`directory entry "${name}" holds data`);
  return {
    name,
    isDirectory,
    method,
    crc32: crc,
    compressedSize: sizes.compressed,
    uncompressedSize: sizes.uncompressed,
    localHeaderOffset: sizes.offset,
    nameBytes,
    end: 0,
  };
}

/** The zip64 extended information field: 8-byte values for exactly the fields that overflowed. */
function zip64Sizes(
  extra: Uint8Array,
  sizes: { compressed: number; uncompressed: number; offset: number },
  diskOverflowed: boolean,
  missing: Error,
  bad: (why: string) => Error,
): void {
  const v = view(extra);
  for (let at = 0; at + 4 <= extra.length;) {
    const id = v.getUint16(at, true);
    const size = v.getUint16(at + 2, true);
    if (at + 4 + size > extra.length) break;
    if (id === 0x0001) {
      let field = at + 4;
      const take = () => {
        if (field + 8 > at + 4 + size) throw missing;
        const value = uint64(v, field, bad);
        field += 8;
        return value;
      };
      if (sizes.uncompressed === 0xffffffff) sizes.uncompressed = take();
      if (sizes.compressed === 0xffffffff) sizes.compressed = take();
      if (sizes.offset === 0xffffffff) sizes.offset = take();
      if (diskOverflowed) throw bad('an entry lies on another disk');
      return;
    }
    at += 4 + size;
  }
  throw missing;
}

/**
 * Entries sorted by offset may not overlap: each one's local header, name and data (at least) end
 * before the next begins, and the last before the directory. Overlapping entries are how a zip
 * makes many entries out of the same bytes (a quadratic bomb); they are refused here, before any
 * inflation. Each entry then may use up to the next one's start (local extra, data descriptor).
 */
function placeEntries(entries: Placed[], directoryAt: number, bad: (why: string) => Error): void {
  const order = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 0; i < order.length; i++) {
    const entry = order[i]!;
    const next = order[i + 1];
    const bound = next?.localHeaderOffset ?? directoryAt;
    const minimalEnd = entry.localHeaderOffset + LOCAL_SIZE + entry.nameBytes.length + entry.compressedSize;
    if (minimalEnd > bound) {
      throw bad(
        next
          ? `entries "${entry.name}" and "${next.name}" overlap (a zip bomb reuses bytes this way)`
          : `entry "${entry.name}" runs into the central directory`,
      );
    }
    entry.end = bound;
  }
}

/** The local header agrees with the directory; afterwards the cursor is at the entry's data. */
async function checkLocalHeader(entry: Placed, cursor: ZipCursor, bad: (why: string) => Error): Promise<void> {
  const local = view(await cursor.bytes(LOCAL_SIZE, 'its local header'));
  if (local.getUint32(0, true) !== LOCAL) throw bad('no local header where the directory points');
  const flags = local.getUint16(6, true);
  const nameLength = local.getUint16(26, true);
  const extraLength = local.getUint16(28, true);
  const disagree = (field: string) => bad(`its local header and the central directory disagree on its ${field}`);
  if (local.getUint16(8, true) !== entry.method) throw disagree('compression method');
  if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) throw bad('its local header says it is encrypted');
  const name = await cursor.bytes(nameLength, 'its local name');
  if (!sameBytes(name, entry.nameBytes)) throw disagree('name');
  const extra = await cursor.bytes(extraLength, 'its local extra fields');
  const sizes = { compressed: local.getUint32(18, true), uncompressed: local.getUint32(22, true), offset: 0 };
  if (sizes.compressed === 0xffffffff || sizes.uncompressed === 0xffffffff) zip64Sizes(extra, sizes, false, disagree('sizes'), bad);
  // With a data descriptor, the local CRC and sizes may be left zero; any value given must agree.
  const deferred = (flags & FLAG_DATA_DESCRIPTOR) !== 0;
  const agrees = (value: number, expected: number) => value === expected || (deferred && value === 0);
  if (!agrees(local.getUint32(14, true), entry.crc32)) throw disagree('CRC-32');
  if (!agrees(sizes.compressed, entry.compressedSize) || !agrees(sizes.uncompressed, entry.uncompressedSize)) throw disagree('sizes');
  if (cursor.position + entry.compressedSize > entry.end) throw bad('its data runs into the next entry');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** An 8-byte little-endian count or offset; past 2^53 it cannot be a real one. */
function uint64(v: DataView, at: number, bad: (why: string) => Error): number {
  const value = v.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`a zip64 size or offset (${value}) is too large to be real`);
  return Number(value);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** IBM code page 437 above 0x7f: names without the UTF-8 flag are CP437, as the zip format says. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function decodeName(bytes: Uint8Array, flags: number, notUtf8: () => Error): string {
  if (flags & FLAG_UTF8) {
    try {
      return utf8.decode(bytes);
    } catch {
      throw notUtf8();
    }
  }
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!;
  return out;
}
