import type { FileIndex } from '../tar/entry.js';

/** One member as a reader sees it after last-wins: a path and a size. */
export interface MemberInfo {
  name: string;
  size: number;
  kind: 'file' | 'directory' | 'symlink' | 'hardlink' | 'chardev' | 'blockdev' | 'fifo' | 'other';
  /** Where its data starts in the tar (absent for the directory form). */
  dataOffset?: number;
}

/** A member's kind in words for a message: "is a FIFO", never "is a other". */
export const KIND_WORDS: Record<MemberInfo['kind'], string> = {
  file: 'a regular file',
  directory: 'a directory',
  symlink: 'a symbolic link',
  hardlink: 'a hard link',
  chardev: 'a character device',
  blockdev: 'a block device',
  fifo: 'a FIFO',
  other: 'a special file',
};

/**
 * An artifact's members, whatever holds them: a tar behind a byte source, or a directory tree.
 * Only regular files can be read.
 */
export interface MemberStore {
  readonly label: string;
  /** Every member after last-wins, in archive order (files, directories, and noted links/devices). */
  members(signal?: AbortSignal): Promise<MemberInfo[]>;
  /** The registry's file_index (regular files only). */
  fileIndex(signal?: AbortSignal): Promise<FileIndex>;
  /** Size of a regular-file member, or undefined when there is none of that name. */
  sizeOf(name: string, signal?: AbortSignal): Promise<number | undefined>;
  /** The whole member; callers bound `size` first (see readJsonMember). */
  read(name: string, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * True when `read` hands over bytes the store never touches again (describe's captured members):
   * the JSON reader then frees them once decoded instead of at V8's next full collection, which
   * came late enough that four 63 MiB members were all still held when the last was parsed.
   */
  readonly handsOverReads?: boolean;
  /** The member as chunks, memory bounded by the chunk size. */
  stream(name: string, options?: { signal?: AbortSignal; chunkSize?: number }): AsyncIterable<Uint8Array>;
  close(): Promise<void>;
}
