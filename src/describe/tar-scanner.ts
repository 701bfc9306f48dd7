/**
 * The header walk as a push parser: bytes go in as they stream past (read from a file, or coming
 * out of the packer) and the scanner keeps only the current header, so the hash, the size and
 * the file_index come from the very same bytes in one pass. It follows walkTar's rules exactly
 * (test/describe-scanner.test.ts compares the two); the few small members a caller asks for
 * (manifest, metadata, patches) are captured on the way.
 */
import { LimitError, TarFormatError } from '../errors.js';
import type { EntryKind, TarEntry } from '../tar/entry.js';
import { BLOCK, cString, decodeHeader, decodePax, isZeroBlock, paddedSize, type RawHeader } from '../tar/header.js';
import { DEFAULT_TAR_LIMITS, type TarLimits } from '../tar/limits.js';
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

const KINDS: Record<string, EntryKind> = {
  '0': 'file',
  '\u0000': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'chardev',
  '4': 'blockdev',
  '5': 'directory',
  '6': 'fifo',
};
const NO_DATA = new Set(['1', '2', '3', '4', '5', '6']);
const EXTENDED = new Set(['x', 'g', 'L', 'K']);

/** What the scanner is in the middle of. */
type State =
  | { at: 'header' }
  | { at: 'extended'; header: RawHeader; data: Uint8Array; filled: number; skip: number }
  | { at: 'data'; entry: TarEntry; left: number; skip: number; keep?: Uint8Array; kept: number }
  | { at: 'end' };

export class TarScanner {
  private readonly limits: TarLimits;
  private readonly entries: TarEntry[] = [];
  private readonly captured = new Map<string, Uint8Array>();
  private readonly globals = new Map<string, string>();
  private pax = new Map<string, string>();
  private longName?: string;
  private longLink?: string;
  private firstHeaderOffset?: number;
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
      else i += this.passData(s, chunk, i);
    }
  }

  /** The stream has ended: the walk's result, or the error walkTar gives for the same bytes. */
  finish(): ScanResult {
    const s = this.state;
    const warnings: string[] = [];
    if (s.at === 'header') {
      if (this.blockFill > 0) throw new TarFormatError('TRUNCATED_HEADER', `archive ends inside a header at offset ${this.headerStart()}`);
      if (this.pos === 0) throw new TarFormatError('EMPTY_ARCHIVE', `${this.label} is empty: not a tar archive`);
      warnings.push('archive ends without end-of-archive blocks');
      this.endOffset = this.pos;
    } else if (s.at !== 'end') {
      const header = s.at === 'data' ? s.entry.name : s.header.name;
      const need = s.at === 'data' ? s.left : s.data.length - s.filled;
      if (need > 0) {
        throw new TarFormatError('TRUNCATED_DATA', `member data runs ${need} bytes past the end of the archive (${this.pos} bytes)`, {
          member: header,
        });
      }
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
      this.endOffset = at;
      this.state = { at: 'end' };
      return;
    }
    if (at === 0 && block[0] === 0x1f && block[1] === 0x8b) {
      throw new TarFormatError('COMPRESSED', `${this.label} is gzip-compressed; FNNX artifacts are plain tar`, {
        hint: 'decompress it first (gunzip), or ask its producer for the uncompressed artifact',
      });
    }
    const header = at === 0 ? this.firstHeader(block) : decodeHeader(block, at);
    if (EXTENDED.has(header.typeflag)) {
      if (header.size > this.limits.maxExtendedHeader) {
        throw new LimitError(
          'maxExtendedHeader',
          `extended header at offset ${at} is ${header.size} bytes, over the limit of ${this.limits.maxExtendedHeader}`,
        );
      }
      this.firstHeaderOffset ??= at;
      this.state = { at: 'extended', header, data: new Uint8Array(header.size), filled: 0, skip: paddedSize(header.size) - header.size };
      this.closeExtendedIfDone(this.state);
      return;
    }
    const size = NO_DATA.has(header.typeflag) ? 0 : this.sizeOf(header);
    const entry = this.makeEntry(header, at, at + BLOCK, size);
    this.entries.push(entry);
    const wanted = entry.kind === 'file' && this.options.capture?.(entry.name) === true;
    const keep = wanted && size <= (this.options.maxCapture ?? Infinity) ? new Uint8Array(size) : undefined;
    if (wanted && !keep) this.captured.delete(entry.name);
    this.state = { at: 'data', entry, left: size, skip: paddedSize(size) - size, keep, kept: 0 };
    this.closeDataIfDone(this.state);
  }

  private firstHeader(block: Uint8Array): RawHeader {
    try {
      return decodeHeader(block, 0);
    } catch (e) {
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
    const { typeflag } = s.header;
    if (typeflag === 'L') this.longName = cString(s.data, 0, s.data.length);
    else if (typeflag === 'K') this.longLink = cString(s.data, 0, s.data.length);
    else {
      const target = typeflag === 'g' ? this.globals : this.pax;
      for (const [k, v] of decodePax(s.data, this.pos - paddedSize(s.data.length) - BLOCK)) target.set(k, v);
    }
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

  /** A PAX `size` record overrides the header's size field (needed past 8 GiB). */
  private sizeOf(header: RawHeader): number {
    const text = this.pax.get('size') ?? this.globals.get('size');
    if (text === undefined) return header.size;
    if (!/^[0-9]{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw new TarFormatError('BAD_PAX', `PAX size record ${JSON.stringify(text.slice(0, 40))} is not a valid size`, { member: header.name });
    }
    return Number(text);
  }

  private makeEntry(header: RawHeader, headerOffset: number, dataOffset: number, size: number): TarEntry {
    let kind = KINDS[header.typeflag] ?? 'other';
    let name = header.prefix ? `${header.prefix}/${header.name}` : header.name;
    if (kind === 'file' && header.typeflag === '\u0000' && name.endsWith('/') && !this.longName && !this.pax.has('path')) {
      kind = 'directory';
    }
    name = this.pax.get('path') ?? this.globals.get('path') ?? this.longName ?? name;
    if (kind === 'directory') name = name.replace(/\/+$/, '');
    if (name.includes('\u0000')) {
      throw new TarFormatError('BAD_NAME', `member name contains a NUL byte`, { member: name.replace(/\u0000/g, '\\0') });
    }
    if (name.length > this.limits.maxNameLength) {
      throw new LimitError('maxNameLength', `member name is ${name.length} characters, over the limit of ${this.limits.maxNameLength}`, {
        member: name.slice(0, 80) + '…',
      });
    }
    const entry: TarEntry = {
      name,
      kind,
      typeflag: header.typeflag,
      headerOffset: this.firstHeaderOffset ?? headerOffset,
      dataOffset,
      size: kind === 'file' || kind === 'other' ? size : 0,
      mode: header.mode,
      mtime: header.mtime,
      linkname: this.pax.get('linkpath') ?? this.longLink ?? header.linkname,
    };
    this.pax = new Map();
    this.longName = undefined;
    this.longLink = undefined;
    this.firstHeaderOffset = undefined;
    return entry;
  }
}
