/** What one archive member is, once its extended headers are applied. */
export type EntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'chardev' | 'blockdev' | 'fifo' | 'other';

export interface TarEntry {
  /** Member path as the archive names it (PAX `path` / GNU long name / prefix+name applied). */
  name: string;
  kind: EntryKind;
  /** The raw type flag, for messages about `other` members. */
  typeflag: string;
  /** Offset of the first header belonging to this member (its PAX or long-name header if any). */
  headerOffset: number;
  /** Offset of the member's data. */
  dataOffset: number;
  size: number;
  mode: number;
  mtime: number;
  linkname: string;
}

/** The registry's file_index: member path → [data_offset, size], regular files only, last wins. */
export type FileIndex = Record<string, [number, number]>;
