/**
 * The header walk: from one header to the next by arithmetic on sizes, never reading member
 * data except the small extended headers (PAX `x`/`g`, GNU `L`/`K`) that rename or resize the
 * member after them.
 */
import type { ByteSource } from '../source/byte-source.js';
import { LimitError, TarFormatError } from '../errors.js';
import { BLOCK, decodeHeader, isZeroBlock, paddedSize, type RawHeader } from './header.js';
import type { TarEntry } from './entry.js';
import {
  applyExtended,
  extendedKind,
  hasData,
  kindOf,
  makeEntry,
  newPending,
  refuseOrphan,
  sizeOf,
  type Extended,
  type Pending,
} from './member.js';
import { DEFAULT_TAR_LIMITS, type TarLimits } from './limits.js';

export interface WalkResult {
  entries: TarEntry[];
  /** Where the end-of-archive blocks start (or the file ends): where an append writes. */
  endOffset: number;
  /** Oddities that do not stop reading (missing end blocks…). */
  warnings: string[];
  /**
   * The file ends inside the zero padding of its last member's data: tar readers that check
   * (Python's tarfile: "unexpected end of data") refuse such an archive. endOffset is then past
   * the file's end.
   */
  endsInPadding?: boolean;
}

export async function walkTar(
  source: ByteSource,
  options: { limits?: Partial<TarLimits>; signal?: AbortSignal } = {},
): Promise<WalkResult> {
  const limits = { ...DEFAULT_TAR_LIMITS, ...options.limits };
  const entries: TarEntry[] = [];
  const warnings: string[] = [];
  const globals = new Map<string, string>();
  let pending = newPending();
  let pos = 0;
  let extendedBytes = 0;
  await refuseOtherFormats(source, options.signal);
  for (let headers = 0; ; headers++) {
    // Members are what the limit counts (a PAX header on each is normal); runs of extended
    // headers are bounded too, at a few per member.
    if (headers >= 4 * limits.maxMembers) {
      throw new LimitError('maxMembers', `archive has more than ${limits.maxMembers} members`);
    }
    if (pos + BLOCK > source.byteLength) {
      if (pos === 0) throw new TarFormatError('EMPTY_ARCHIVE', `${source.label} is empty: not a tar archive`);
      if (pos < source.byteLength) {
        throw new TarFormatError('TRUNCATED_HEADER', `archive ends inside a header at offset ${pos}`);
      }
      refuseOrphan(pending, pos);
      warnings.push('archive ends without end-of-archive blocks');
      return { entries, endOffset: pos, warnings, ...(pos > source.byteLength ? { endsInPadding: true } : {}) };
    }
    const block = await source.read(pos, BLOCK, options.signal);
    if (isZeroBlock(block)) {
      if (pos === 0) throw new TarFormatError('EMPTY_ARCHIVE', `${source.label} holds only zero blocks: an empty archive`);
      refuseOrphan(pending, pos);
      return { entries, endOffset: pos, warnings };
    }
    const header = pos === 0 ? decodeFirstHeader(block, source.label) : decodeHeader(block, pos);
    const ext = extendedKind(header.typeflag);
    const kind = ext === undefined ? kindOf(header, pending) : undefined;
    // An old-GNU sparse header may continue in extension blocks before its data.
    const dataOffset = pos + BLOCK + (header.typeflag === 'S' ? await sparseExtension(source, block, pos, options.signal) : 0);
    // An extended header's own size field is what we read; a pending PAX `size` is for the member.
    const size = kind === undefined ? header.size : hasData(kind) ? sizeOf(header, pending, globals) : 0;
    const next = dataOffset + paddedSize(size);
    if (dataOffset + size > source.byteLength) {
      throw new TarFormatError(
        'TRUNCATED_DATA',
        `member data (${size} bytes at offset ${dataOffset}) runs past the end of the archive (${source.byteLength} bytes)`,
        { member: header.name },
      );
    }
    if (ext !== undefined) {
      // A global header belongs to no member; the others are the first header of the next one.
      if (ext !== 'global') pending.headerOffset ??= pos;
      // Each one is bounded, but their number is the archive's choice: bound what they make us read.
      extendedBytes += header.size;
      if (extendedBytes > limits.maxExtendedTotal) {
        throw new LimitError('maxExtendedTotal', `extended headers add up to more than ${limits.maxExtendedTotal} bytes`, { member: header.name });
      }
      await readExtended(source, header, dataOffset, ext, pending, globals, limits, options.signal);
    } else {
      if (entries.length >= limits.maxMembers) {
        throw new LimitError('maxMembers', `archive has more than ${limits.maxMembers} members`);
      }
      entries.push(makeEntry(header, kind!, pending, globals, pos, dataOffset, size, limits));
      pending = newPending();
    }
    pos = next;
  }
}

/** Bytes of old-GNU sparse extension blocks after header `block`: each says whether another follows. */
async function sparseExtension(source: ByteSource, block: Uint8Array, pos: number, signal?: AbortSignal): Promise<number> {
  let bytes = 0;
  for (let more = block[482] !== 0; more; bytes += BLOCK) {
    const at = pos + BLOCK + bytes;
    if (at + BLOCK > source.byteLength) {
      throw new TarFormatError('TRUNCATED_HEADER', `archive ends inside a sparse extension header at offset ${at}`);
    }
    more = (await source.read(at, BLOCK, signal))[504] !== 0; // isextended, in the extension block
  }
  return bytes;
}

/** Magic numbers of what people mistake for (or disguise as) a tar artifact. */
const FOREIGN: Array<{ magic: number[]; what: string; code: string; hint: string }> = [
  { magic: [0x1f, 0x8b], what: 'gzip-compressed', code: 'COMPRESSED', hint: 'decompress it first (gunzip), or ask its producer for the uncompressed artifact' },
  { magic: [0x42, 0x5a, 0x68], what: 'bzip2-compressed', code: 'COMPRESSED', hint: 'decompress it first (bunzip2); FNNX artifacts are never compressed' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed', code: 'COMPRESSED', hint: 'decompress it first (unxz); FNNX artifacts are never compressed' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed', code: 'COMPRESSED', hint: 'decompress it first (unzstd); FNNX artifacts are never compressed' },
  { magic: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive', code: 'NOT_A_TAR', hint: 'FNNX artifacts are uncompressed tar archives or directories' },
];

/**
 * Checked before any header: a short gzip file must say "compressed", not "truncated header".
 * A first block that is a valid header wins, so a member named "BZh…" is not mistaken for bzip2.
 */
async function refuseOtherFormats(source: ByteSource, signal?: AbortSignal): Promise<void> {
  if (source.byteLength === 0) return;
  const head = await source.read(0, Math.min(BLOCK, source.byteLength), signal);
  if (head.length === BLOCK && (isZeroBlock(head) || isValidHeader(head))) return;
  for (const f of FOREIGN) {
    if (f.magic.length <= head.length && f.magic.every((b, i) => head[i] === b)) {
      throw new TarFormatError(f.code, `${source.label} is ${f.what}; FNNX artifacts are plain tar`, { hint: f.hint });
    }
  }
  if (source.byteLength < BLOCK) {
    throw new TarFormatError('NOT_A_TAR', `${source.label} is ${source.byteLength} bytes, too short to be a tar archive`, {
      hint: 'FNNX artifacts are uncompressed tar archives or directories',
    });
  }
}

function isValidHeader(block: Uint8Array): boolean {
  try {
    decodeHeader(block, 0);
    return true;
  } catch {
    return false;
  }
}

/** A bad first header means the file is not a tar at all; say that rather than which field broke. */
function decodeFirstHeader(block: Uint8Array, label: string): RawHeader {
  try {
    return decodeHeader(block, 0);
  } catch (e) {
    throw new TarFormatError('NOT_A_TAR', `${label} is not a tar archive (no valid header at offset 0)`, {
      cause: e,
      hint: 'FNNX artifacts are uncompressed tar archives or directories',
    });
  }
}

async function readExtended(
  source: ByteSource,
  header: RawHeader,
  dataOffset: number,
  kind: Extended,
  pending: Pending,
  globals: Map<string, string>,
  limits: TarLimits,
  signal?: AbortSignal,
): Promise<void> {
  if (header.size > limits.maxExtendedHeader) {
    throw new LimitError(
      'maxExtendedHeader',
      `extended header at offset ${dataOffset - BLOCK} is ${header.size} bytes, over the limit of ${limits.maxExtendedHeader}`,
    );
  }
  applyExtended(kind, await source.read(dataOffset, header.size, signal), dataOffset - BLOCK, pending, globals);
}

