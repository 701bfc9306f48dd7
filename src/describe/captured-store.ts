import type { MemberInfo, MemberStore } from '../artifact/member-store.js';
import { UsageError } from '../errors.js';
import type { FileIndex } from '../tar/entry.js';
import { fileIndexOf, lastWins, rangeIn } from '../tar/file-index.js';
import type { ScanResult } from '../tar/scanner.js';

/**
 * The members a scan captured, as a member store, so readArtifact computes the effective
 * manifest, metadata and metrics from them exactly as it does for a file on disk.
 */
export class CapturedStore implements MemberStore {
  private readonly index: FileIndex;
  readonly handsOverReads = true;

  constructor(
    private readonly scan: ScanResult,
    readonly label: string,
  ) {
    this.index = fileIndexOf(scan.entries);
  }

  async members(): Promise<MemberInfo[]> {
    return lastWins(this.scan.entries).map((e) => ({ name: e.name, size: e.size, kind: e.kind, dataOffset: e.dataOffset }));
  }

  async fileIndex(): Promise<FileIndex> {
    return this.index;
  }

  async sizeOf(name: string): Promise<number | undefined> {
    return rangeIn(this.index, name)?.[1];
  }

  /**
   * Hands a member's bytes over once (readArtifact reads each root file once and keeps what it
   * parses): held until the describe ended, four 63 MiB JSON members cost it their size again.
   * Each array owns its buffer (the scanner allocates one per member), so the reader may free it.
   */
  async read(name: string): Promise<Uint8Array> {
    const bytes = this.scan.captured.get(name);
    if (!bytes) throw new UsageError('NOT_CAPTURED', `member was not kept while streaming (only root JSON files are)`, { member: name });
    this.scan.captured.delete(name);
    return bytes;
  }

  async *stream(name: string): AsyncIterable<Uint8Array> {
    yield await this.read(name);
  }

  async close(): Promise<void> {}
}
