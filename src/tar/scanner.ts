/**
 * The header walk as a push parser: bytes go in as they stream past (read from a file, or coming
 * out of the packer) and the scanner keeps only the current header, so the hash, the size and
 * the file_index come from the very same bytes in one pass. Every rule is the decoder's
 * (src/tar/decoder.ts), which walkTar drives by ranges; this driver only routes bytes to it and
 * captures the few small members a caller asks for (manifest, metadata, patches) on the way.
 */
import type { TarEntry } from './entry.js';
import { TarDecoder, type WalkResult } from './decoder.js';
import { BLOCK } from './header.js';
import type { TarLimits } from './limits.js';

export interface ScanOptions {
  limits?: Partial<TarLimits>;
  /** Members whose bytes to keep (last occurrence wins), each at most `maxCapture` bytes. */
  capture?: (name: string) => boolean;
  maxCapture?: number;
  /** Told of each member as soon as its headers have passed, before its data. */
  onMember?: (entry: TarEntry) => void;
}

export interface ScanResult extends WalkResult {
  captured: Map<string, Uint8Array>;
}

export class TarScanner {
  private readonly decoder: TarDecoder;
  private readonly captured = new Map<string, Uint8Array>();
  private readonly block = new Uint8Array(BLOCK);
  /** The extended header data being gathered, or the member being captured. */
  private buffer = this.block;
  private fill = 0;
  /** The member whose data is passing, once its capture is decided. */
  private member?: { entry: TarEntry; keep?: Uint8Array };
  /** Offset of the next byte to arrive. */
  private pos = 0;

  constructor(
    label: string,
    private readonly options: ScanOptions = {},
  ) {
    this.decoder = new TarDecoder(label, options.limits);
  }

  /** Feeds the next bytes of the archive, in order. */
  push(chunk: Uint8Array): void {
    let i = 0;
    for (;;) {
      const s = this.decoder.step;
      if (s.need === 'end') return;
      if (s.need === 'data') {
        this.member ??= this.startMember(s.entry);
        const end = s.entry.dataOffset + s.entry.size;
        if (this.pos >= end) {
          this.closeMember();
          continue;
        }
        if (i === chunk.length) return;
        const n = Math.min(end - this.pos, chunk.length - i);
        const keep = this.member.keep;
        if (keep) keep.set(chunk.subarray(i, i + n), this.pos - s.entry.dataOffset);
        this.pos += n;
        i += n;
        continue;
      }
      const length = s.need === 'extended' ? s.length : BLOCK;
      if (this.pos === s.at + length) {
        this.feed();
        continue;
      }
      if (i === chunk.length) return;
      // Padding before the step's bytes is passed over; the step's own bytes are gathered.
      const n = this.pos < s.at ? Math.min(s.at - this.pos, chunk.length - i) : this.gather(chunk, i, s.at, length);
      this.pos += n;
      i += n;
    }
  }

  /** The stream has ended: the walk's result, or the error walkTar gives for the same bytes. */
  finish(): ScanResult {
    const s = this.decoder.step;
    // A member whose data is all in (but not its padding) is done with.
    if (s.need === 'data' && this.pos >= s.entry.dataOffset + s.entry.size) this.closeMember();
    const head = this.pos < BLOCK ? this.block.subarray(0, this.pos) : undefined;
    const result = this.decoder.end(this.pos, head);
    return { ...result, captured: this.captured };
  }

  private gather(chunk: Uint8Array, i: number, at: number, length: number): number {
    if (this.pos === at) {
      this.buffer = length === BLOCK && this.decoder.step.need !== 'extended' ? this.block : new Uint8Array(length);
      this.fill = 0;
    }
    const n = Math.min(length - this.fill, chunk.length - i);
    this.buffer.set(chunk.subarray(i, i + n), this.fill);
    this.fill += n;
    return n;
  }

  /** The current step's bytes are all in: hand them to the decoder. */
  private feed(): void {
    const s = this.decoder.step;
    if (s.need === 'extended') this.decoder.extended(this.buffer.subarray(0, s.length));
    else this.decoder.block(this.block);
    this.fill = 0;
  }

  private startMember(entry: TarEntry): { entry: TarEntry; keep?: Uint8Array } {
    this.options.onMember?.(entry);
    const wanted = entry.kind === 'file' && this.options.capture?.(entry.name) === true;
    const keep = wanted && entry.size <= (this.options.maxCapture ?? Infinity) ? new Uint8Array(entry.size) : undefined;
    if (wanted && !keep) this.captured.delete(entry.name);
    return { entry, keep };
  }

  private closeMember(): void {
    const m = this.member!;
    if (m.keep) this.captured.set(m.entry.name, m.keep);
    this.member = undefined;
    this.decoder.skipData();
  }
}
