/**
 * The tar header-sequence decoder: the one state machine that turns an archive's header blocks
 * into members, with every rule (format detection, checksums, PAX and GNU long names, old-GNU
 * sparse extensions, limits, truncation, the end). It does no I/O: a driver feeds it what its
 * `step` asks for, from wherever the bytes are. The pull walk (walk.ts) reads each step by range
 * and hops over member data; the push scanner (tar/scanner.ts) sees every byte go past.
 * Both refuse the same archives with the same codes because both ask this one machine.
 */
import { LimitError, TarFormatError } from '../errors.js';
import type { TarEntry } from './entry.js';
import { foreignFormatError } from './foreign.js';
import { BLOCK, decodeHeader, isZeroBlock, paddedSize, type RawHeader } from './header.js';
import { DEFAULT_TAR_LIMITS, type TarLimits } from './limits.js';
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

export interface WalkResult {
  entries: TarEntry[];
  /** Where the end-of-archive blocks start (or the file ends): where an append writes. */
  endOffset: number;
  /** Oddities that do not stop reading (missing end blocks…). */
  warnings: string[];
}

/**
 * What the decoder needs next. Bytes between the previous step and `at` (block padding) are
 * skipped; a step is fed exactly its bytes.
 */
export type TarStep =
  /** The 512-byte header block at `at`. */
  | { need: 'header'; at: number }
  /** The 512-byte old-GNU sparse extension block at `at`. */
  | { need: 'sparse'; at: number }
  /** An extended header's data: `length` bytes at `at`. */
  | { need: 'extended'; at: number; length: number }
  /** A member: its data is `entry.size` bytes at `entry.dataOffset`, to pass over (`skipData()`). */
  | { need: 'data'; entry: TarEntry }
  /** The end-of-archive block was read: `result` is the walk's outcome. */
  | { need: 'end'; result: WalkResult };

export class TarDecoder {
  private readonly limits: TarLimits;
  private readonly entries: TarEntry[] = [];
  private readonly globals = new Map<string, string>();
  private pending: Pending = newPending();
  /** Where a global header stands that no member header has followed yet (Python's tarfile refuses an archive ending there). */
  private globalAt: number | undefined;
  private headers = 0;
  private extendedBytes = 0;
  /** The header an extended header's data or sparse extension blocks belong to. */
  private current?: { header: RawHeader; at: number; ext?: Extended };
  step: TarStep = { need: 'header', at: 0 };

  constructor(
    private readonly label: string,
    limits?: Partial<TarLimits>,
  ) {
    this.limits = { ...DEFAULT_TAR_LIMITS, ...limits };
  }

  /** Feeds the 512-byte block a `header` or `sparse` step asked for. */
  block(block: Uint8Array): TarStep {
    const s = this.step;
    if (s.need === 'sparse') return this.sparseBlock(block, s.at);
    if (s.need !== 'header') throw new Error(`tar decoder: a block fed while it needs ${s.need}`);
    return this.header(block, s.at);
  }

  /** Feeds the data an `extended` step asked for. */
  extended(data: Uint8Array): TarStep {
    const s = this.step;
    const c = this.current;
    if (s.need !== 'extended' || !c?.ext) throw new Error(`tar decoder: extended data fed while it needs ${s.need}`);
    applyExtended(c.ext, data, c.at, this.pending, this.globals);
    this.current = undefined;
    return (this.step = { need: 'header', at: s.at + paddedSize(s.length) });
  }

  /** Moves past the member data a `data` step announced. */
  skipData(): TarStep {
    const s = this.step;
    if (s.need !== 'data') throw new Error(`tar decoder: skipData while it needs ${s.need}`);
    return (this.step = { need: 'header', at: s.entry.dataOffset + paddedSize(s.entry.size) });
  }

  /**
   * The archive is `length` bytes and ends before the current step could be fed: the walk's
   * result if it ends cleanly between members, else the error that says where it broke. `head` is
   * all of a stream shorter than one block, to tell a short compressed file from a short tar.
   */
  end(length: number, head?: Uint8Array): WalkResult {
    const s = this.step;
    if (s.need === 'end') return s.result;
    if (s.need === 'header' && s.at === 0) {
      if (length === 0) throw new TarFormatError('EMPTY_ARCHIVE', `${this.label} is empty: not a tar archive`);
      throw foreignFormatError(head ?? new Uint8Array(0), this.label);
    }
    if (s.need === 'header' && length > s.at) {
      throw new TarFormatError('TRUNCATED_HEADER', `archive ends inside a header at offset ${s.at}`);
    }
    if (s.need === 'sparse') {
      throw new TarFormatError('TRUNCATED_HEADER', `archive ends inside a sparse extension header at offset ${s.at}`);
    }
    if (s.need === 'extended') {
      throw new TarFormatError(
        'TRUNCATED_DATA',
        `extended header data (${s.length} bytes at offset ${s.at}) runs past the end of the archive (${length} bytes)`,
      );
    }
    if (s.need === 'data') {
      const { entry } = s;
      throw new TarFormatError(
        'TRUNCATED_DATA',
        `member data (${entry.size} bytes at offset ${entry.dataOffset}) runs past the end of the archive (${length} bytes)`,
        { member: entry.name },
      );
    }
    // Python's tarfile, too, refuses an archive cut inside the padding after a member's data.
    if (length < s.at) {
      throw new TarFormatError('TRUNCATED_DATA', `archive ends at ${length}, inside the padding that runs to offset ${s.at}`);
    }
    refuseOrphan(this.pending, length);
    this.refuseOrphanGlobal(length);
    const result = { entries: this.entries, endOffset: length, warnings: ['archive ends without end-of-archive blocks'] };
    this.step = { need: 'end', result };
    return result;
  }

  /** A global header must be followed by a member header: Python's tarfile refuses one the archive ends after. */
  private refuseOrphanGlobal(end: number): void {
    if (this.globalAt === undefined) return;
    throw new TarFormatError(
      'TRUNCATED_HEADER',
      `global extended header at offset ${this.globalAt} has no member header after it (the archive ends at ${end})`,
    );
  }

  private header(block: Uint8Array, at: number): TarStep {
    // Members are what maxMembers counts (a PAX header on each is normal); runs of extended
    // headers are bounded too, at a few per member.
    if (++this.headers > 4 * this.limits.maxMembers) this.tooManyMembers();
    if (isZeroBlock(block)) {
      if (at === 0) throw new TarFormatError('EMPTY_ARCHIVE', `${this.label} holds only zero blocks: an empty archive`);
      refuseOrphan(this.pending, at);
      this.refuseOrphanGlobal(at);
      return (this.step = { need: 'end', result: { entries: this.entries, endOffset: at, warnings: [] } });
    }
    const header = at === 0 ? this.firstHeader(block) : decodeHeader(block, at);
    const ext = extendedKind(header.typeflag);
    if (ext !== undefined) return this.extendedHeader(header, at, ext);
    // An old-GNU sparse header may continue in extension blocks before its data.
    if (header.typeflag === 'S' && block[482] !== 0) {
      this.current = { header, at };
      return (this.step = { need: 'sparse', at: at + BLOCK });
    }
    return this.member(header, at, at + BLOCK);
  }

  /** A bad first header means the file is not a tar at all: say what it is instead. */
  private firstHeader(block: Uint8Array): RawHeader {
    try {
      return decodeHeader(block, 0);
    } catch (e) {
      throw foreignFormatError(block, this.label, e);
    }
  }

  private extendedHeader(header: RawHeader, at: number, ext: Extended): TarStep {
    if (header.size > this.limits.maxExtendedHeader) {
      throw new LimitError(
        'maxExtendedHeader',
        `extended header at offset ${at} is ${header.size} bytes, over the limit of ${this.limits.maxExtendedHeader}`,
      );
    }
    // Each one is bounded, but their number is the archive's choice: bound what they make us read.
    this.extendedBytes += header.size;
    if (this.extendedBytes > this.limits.maxExtendedTotal) {
      throw new LimitError('maxExtendedTotal', `extended headers add up to more than ${this.limits.maxExtendedTotal} bytes`, {
        member: header.name,
      });
    }
    // A global header belongs to no member; the others are the first header of the next one.
    if (ext !== 'global') this.pending.headerOffset ??= at;
    else this.globalAt ??= at;
    this.current = { header, at, ext };
    return (this.step = { need: 'extended', at: at + BLOCK, length: header.size });
  }

  /** Each sparse extension block says in its byte 504 whether another follows. */
  private sparseBlock(block: Uint8Array, at: number): TarStep {
    const c = this.current!;
    if (block[504] !== 0) return (this.step = { need: 'sparse', at: at + BLOCK });
    this.current = undefined;
    return this.member(c.header, c.at, at + BLOCK);
  }

  private member(header: RawHeader, at: number, dataOffset: number): TarStep {
    if (this.entries.length >= this.limits.maxMembers) this.tooManyMembers();
    const kind = kindOf(header, this.pending);
    // An extended header's own size field is what it holds; a pending PAX `size` is for the member.
    const size = hasData(kind) ? sizeOf(header, this.pending, this.globals) : 0;
    const entry = makeEntry(header, kind, this.pending, this.globals, at, dataOffset, size, this.limits);
    this.entries.push(entry);
    this.pending = newPending();
    this.globalAt = undefined;
    return (this.step = { need: 'data', entry });
  }

  private tooManyMembers(): never {
    throw new LimitError('maxMembers', `archive has more than ${this.limits.maxMembers} members`);
  }
}
