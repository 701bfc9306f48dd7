/**
 * The header walk as a push parser: bytes go in as they stream past (read from a file, or coming
 * out of the packer) and the scanner keeps only the current header, so the hash, the size and
 * the file_index come from the very same bytes in one pass. The header-to-member rules are
 * walkTar's own (src/tar/member.ts; test/describe-scanner.test.ts compares the two walks); the
 * few small members a caller asks for (manifest, metadata, patches) are captured on the way.
 */
import { decompressHint } from '../tar/decompress-hint.js';
import { LimitError, TarFormatError } from '../errors.js';
import type { TarEntry } from '../tar/entry.js';
import { BLOCK, decodeHeader, isZeroBlock, paddedSize, type RawHeader } from '../tar/header.js';
import { DEFAULT_TAR_LIMITS, type TarLimits } from '../tar/limits.js';
import { applyExtended, extendedKind, hasData, kindOf, makeEntry, newPending, refuseOrphan, sizeOf, type Extended, type Pending } from '../tar/member.js';
import type { WalkResult } from '../tar/walk.js';

export interface ScanOptions {
  limits?: Partial<TarLimits>;
  /** Members whose bytes to keep (last occurrence wins), each at most `maxCapture` bytes. */
  capture?: (name: string) => boolean;
  maxCapture?: number;
}

export interface ScanResult extends WalkResult {
  captured: Map<string, Uint8Array>;
}

/** What the scanner is in the middle of. */
type State =
  | { at: 'header' }
  | { at: 'extended'; kind: Extended; headerAt: number; data: Uint8Array; filled: number; skip: number }
  | { at: 'sparse-extension'; header: RawHeader; headerAt: number; block: Uint8Array; fill: number; count: number }
  | { at: 'data'; entry: TarEntry; left: number; skip: number; keep?: Uint8Array; kept: number }
  | { at: 'end' };

export class TarScanner {
  private readonly limits: TarLimits;
  private readonly entries: TarEntry[] = [];
  private readonly captured = new Map<string, Uint8Array>();
  private readonly globals = new Map<string, string>();
  private pending: Pending = newPending();
  private readonly block = new Uint8Array(BLOCK);
  private blockFill = 0;
  private state: State = { at: 'header' };
  private headers = 0;
  /** Offset of the next byte to arrive. */
  private pos = 0;
  private endOffset?: number;

  constructor(
    private readonly label: string,
    private readonly options: ScanOptions = {},
  ) {
    this.limits = { ...DEFAULT_TAR_LIMITS, ...options.limits };
  }

  /** Feeds the next bytes of the archive, in order. */
  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      const s = this.state;
      if (s.at === 'end') return;
      if (s.at === 'header') i += this.fillHeader(chunk, i);
      else if (s.at === 'extended') i += this.fillExtended(s, chunk, i);
      else if (s.at === 'sparse-extension') i += this.fillSparseExtension(s, chunk, i);
      else i += this.passData(s, chunk, i);
    }
  }

  /** The stream has ended: the walk's result, or the error walkTar gives for the same bytes. */
  finish(): ScanResult {
    const s = this.state;
    const warnings: string[] = [];
    if (s.at === 'header') {
      if (this.blockFill > 0) {
        if (this.pos === this.blockFill) this.refuseForeign(this.block.subarray(0, this.blockFill));
        throw new TarFormatError('TRUNCATED_HEADER', `archive ends inside a header at offset ${this.headerStart()}`);
      }
      if (this.pos === 0) throw new TarFormatError('EMPTY_ARCHIVE', `${this.label} is empty: not a tar archive`);
      refuseOrphan(this.pending, this.pos);
      warnings.push('archive ends without end-of-archive blocks');
      this.endOffset = this.pos;
    } else if (s.at === 'sparse-extension') {
      throw new TarFormatError('TRUNCATED_HEADER', `archive ends inside a sparse extension header at offset ${this.headerStart()}`);
    } else if (s.at !== 'end') {
      const need = s.at === 'data' ? s.left : s.data.length - s.filled;
      if (need > 0) {
        throw new TarFormatError('TRUNCATED_DATA', `member data runs ${need} bytes past the end of the archive (${this.pos} bytes)`, {
          member: s.at === 'data' ? s.entry.name : undefined,
        });
      }
      if (s.at === 'extended') refuseOrphan(this.pending, this.pos);
      warnings.push('archive ends without end-of-archive blocks');
      this.endOffset = this.pos;
    }
    return { entries: this.entries, endOffset: this.endOffset!, warnings, captured: this.captured };
  }

  private headerStart(): number {
    return this.pos - this.blockFill;
  }

  private fillHeader(chunk: Uint8Array, i: number): number {
    const n = Math.min(BLOCK - this.blockFill, chunk.length - i);
    this.block.set(chunk.subarray(i, i + n), this.blockFill);
    this.blockFill += n;
    this.pos += n;
    if (this.blockFill === BLOCK) {
      this.blockFill = 0;
      this.onHeader(this.pos - BLOCK);
    }
    return n;
  }

  private onHeader(at: number): void {
    if (++this.headers > this.limits.maxMembers) {
      throw new LimitError('maxMembers', `archive has more than ${this.limits.maxMembers} headers`);
    }
    const block = this.block;
    if (isZeroBlock(block)) {
      if (at === 0) throw new TarFormatError('EMPTY_ARCHIVE', `${this.label} holds only zero blocks: an empty archive`);
      refuseOrphan(this.pending, at);
      this.endOffset = at;
      this.state = { at: 'end' };
      return;
    }
    const header = at === 0 ? this.firstHeader(block) : decodeHeader(block, at);
    const ext = extendedKind(header.typeflag);
    if (ext !== undefined) {
      if (header.size > this.limits.maxExtendedHeader) {
        throw new LimitError(
          'maxExtendedHeader',
          `extended header at offset ${at} is ${header.size} bytes, over the limit of ${this.limits.maxExtendedHeader}`,
        );
      }
      // A global header belongs to no member; the others are the first header of the next one.
      if (ext !== 'global') this.pending.headerOffset ??= at;
      const state = { at: 'extended' as const, kind: ext, headerAt: at, data: new Uint8Array(header.size), filled: 0, skip: paddedSize(header.size) - header.size };
      this.state = state;
      this.closeExtendedIfDone(state);
      return;
    }
    // An old-GNU sparse header may continue in extension blocks before its data.
    if (header.typeflag === 'S' && block[482] !== 0) {
      this.state = { at: 'sparse-extension', header, headerAt: at, block: new Uint8Array(BLOCK), fill: 0, count: 0 };
      return;
    }
    this.startMember(header, at, at + BLOCK);
  }

  private startMember(header: RawHeader, at: number, dataOffset: number): void {
    const kind = kindOf(header, this.pending);
    const size = hasData(kind) ? sizeOf(header, this.pending, this.globals) : 0;
    const entry = makeEntry(header, kind, this.pending, this.globals, at, dataOffset, size, this.limits);
    this.pending = newPending();
    this.entries.push(entry);
    const wanted = entry.kind === 'file' && this.options.capture?.(entry.name) === true;
    const keep = wanted && size <= (this.options.maxCapture ?? Infinity) ? new Uint8Array(size) : undefined;
    if (wanted && !keep) this.captured.delete(entry.name);
    const state = { at: 'data' as const, entry, left: size, skip: paddedSize(size) - size, keep, kept: 0 };
    this.state = state;
    this.closeDataIfDone(state);
  }

  /** Sparse extension blocks: each says in its byte 504 whether another follows. */
  private fillSparseExtension(s: Extract<State, { at: 'sparse-extension' }>, chunk: Uint8Array, i: number): number {
    const n = Math.min(BLOCK - s.fill, chunk.length - i);
    s.block.set(chunk.subarray(i, i + n), s.fill);
    s.fill += n;
    this.pos += n;
    if (s.fill === BLOCK) {
      s.count++;
      s.fill = 0;
      if (s.block[504] === 0) this.startMember(s.header, s.headerAt, s.headerAt + BLOCK + s.count * BLOCK);
    }
    return n;
  }

  /** Not a tar at all: name what it is when a short stream starts like a compressed file. */
  private refuseForeign(head: Uint8Array): void {
    if (head[0] === 0x1f && head[1] === 0x8b) this.compressed();
    throw new TarFormatError('NOT_A_TAR', `${this.label} is ${head.length} bytes, too short to be a tar archive`, {
      hint: 'FNNX artifacts are uncompressed tar archives or directories',
    });
  }

  private compressed(): never {
    throw new TarFormatError('COMPRESSED', `${this.label} is gzip-compressed; FNNX artifacts are plain tar`, {
      hint: decompressHint(this.label, 'gzip'),
    });
  }

  private firstHeader(block: Uint8Array): RawHeader {
    try {
      return decodeHeader(block, 0);
    } catch (e) {
      if (block[0] === 0x1f && block[1] === 0x8b) this.compressed();
      throw new TarFormatError('NOT_A_TAR', `${this.label} is not a tar archive (no valid header at offset 0)`, {
        cause: e,
        hint: 'FNNX artifacts are uncompressed tar archives or directories',
      });
    }
  }

  private fillExtended(s: Extract<State, { at: 'extended' }>, chunk: Uint8Array, i: number): number {
    const want = s.data.length - s.filled;
    const n = want > 0 ? Math.min(want, chunk.length - i) : Math.min(s.skip, chunk.length - i);
    if (want > 0) {
      s.data.set(chunk.subarray(i, i + n), s.filled);
      s.filled += n;
    } else s.skip -= n;
    this.pos += n;
    this.closeExtendedIfDone(s);
    return n;
  }

  private closeExtendedIfDone(s: Extract<State, { at: 'extended' }>): void {
    if (s.filled < s.data.length || s.skip > 0) return;
    applyExtended(s.kind, s.data, s.headerAt, this.pending, this.globals);
    this.state = { at: 'header' };
  }

  private passData(s: Extract<State, { at: 'data' }>, chunk: Uint8Array, i: number): number {
    const n = s.left > 0 ? Math.min(s.left, chunk.length - i) : Math.min(s.skip, chunk.length - i);
    if (s.left > 0) {
      s.keep?.set(chunk.subarray(i, i + n), s.kept);
      s.kept += n;
      s.left -= n;
    } else s.skip -= n;
    this.pos += n;
    this.closeDataIfDone(s);
    return n;
  }

  private closeDataIfDone(s: Extract<State, { at: 'data' }>): void {
    if (s.left > 0 || s.skip > 0) return;
    if (s.keep) this.captured.set(s.entry.name, s.keep);
    this.state = { at: 'header' };
  }
}
