/**
 * The rules that turn a header (and the extended headers before it) into a member: its kind,
 * name, size and whether data follows. Pure, no I/O: the pull walk (walk.ts) and any push-based
 * scanner share them, so they cannot drift apart. They follow Python's tarfile, which made the
 * registry's file_index, except where noted.
 */
import { LimitError, TarFormatError } from '../errors.js';
import { cString, decodePax, type RawHeader } from './header.js';
import type { EntryKind, TarEntry } from './entry.js';
import type { TarLimits } from './limits.js';

/** What the extended headers read so far say about the next member. */
export interface Pending {
  pax: Map<string, string>;
  longName?: string;
  longLink?: string;
  headerOffset?: number;
}

export function newPending(): Pending {
  return { pax: new Map() };
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

export type Extended = 'pax' | 'global' | 'longname' | 'longlink';

export function extendedKind(typeflag: string): Extended | undefined {
  switch (typeflag) {
    case 'x':
    case 'X': // Solaris' name for the same thing
      return 'pax';
    case 'g':
      return 'global';
    case 'L':
      return 'longname';
    case 'K':
      return 'longlink';
    default:
      return undefined;
  }
}

/** Records one extended header's data (`at`: its header offset, for messages). */
export function applyExtended(kind: Extended, data: Uint8Array, at: number, pending: Pending, globals: Map<string, string>): void {
  if (kind === 'longname') pending.longName = cString(data, 0, data.length);
  else if (kind === 'longlink') pending.longLink = cString(data, 0, data.length);
  else {
    const target = kind === 'global' ? globals : pending.pax;
    for (const [k, v] of decodePax(data, at)) target.set(k, v);
  }
}

/** PAX records that mark GNU's sparse formats 0.0, 0.1 and 1.0. */
const SPARSE_PAX_KEYS = ['GNU.sparse.map', 'GNU.sparse.size', 'GNU.sparse.major'];

/**
 * Whether the size field counts data blocks that follow. As Python's tarfile: links, devices,
 * FIFOs and directories have none (whatever their size field says); files and unknown types do.
 */
export function hasData(kind: EntryKind): boolean {
  return kind === 'file' || kind === 'other';
}

/**
 * The member's kind. A sparse member (old-GNU 'S', or PAX GNU.sparse.*) is `other`: its data is a
 * packed run list, not the file's bytes, so no [offset, size] range can serve it (Python lists it
 * as a regular file anyway; we note it and leave it out of the file_index).
 */
export function kindOf(header: RawHeader, pending: Pending): EntryKind {
  if (header.typeflag === 'S' || SPARSE_PAX_KEYS.some((k) => pending.pax.has(k))) return 'other';
  // As Python's tarfile (after V7): a plain-file header whose own name ends in "/" is a directory.
  if (header.typeflag === '\u0000' && header.name.endsWith('/')) return 'directory';
  return KINDS[header.typeflag] ?? 'other';
}

/** An extended header must describe a member; one followed by the end is a cut archive (Python refuses it too). */
export function refuseOrphan(pending: Pending, end: number): void {
  if (pending.headerOffset === undefined) return;
  throw new TarFormatError(
    'TRUNCATED_HEADER',
    `extended header at offset ${pending.headerOffset} has no member after it (the archive ends at ${end})`,
  );
}

/** A PAX `size` record overrides the header's size field (needed past 8 GiB). */
export function sizeOf(header: RawHeader, pending: Pending, globals: Map<string, string>): number {
  const text = pending.pax.get('size') ?? globals.get('size');
  if (text === undefined) return header.size;
  if (!/^[0-9]{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new TarFormatError('BAD_PAX', `PAX size record ${JSON.stringify(text.slice(0, 40))} is not a valid size`, {
      member: header.name,
    });
  }
  return Number(text);
}

export function makeEntry(
  header: RawHeader,
  kind: EntryKind,
  pending: Pending,
  globals: Map<string, string>,
  headerOffset: number,
  dataOffset: number,
  size: number,
  limits: TarLimits,
): TarEntry {
  const paxPath = pending.pax.get('GNU.sparse.name') ?? pending.pax.get('path');
  // Precedence as in Python's tarfile: own PAX path, GNU long name, global PAX path, ustar prefix/name.
  let name =
    paxPath?.replace(/\/+$/, '') ??
    pending.longName ??
    globals.get('path') ??
    (header.prefix ? `${header.prefix}/${header.name}` : header.name);
  if (kind === 'directory') name = name.replace(/\/+$/, '');
  if (name.includes('\u0000')) {
    throw new TarFormatError('NUL_IN_NAME', `member name contains a NUL byte`, { member: name.replace(/\u0000/g, '\\0') });
  }
  if (name.length > limits.maxNameLength) {
    throw new LimitError('maxNameLength', `member name is ${name.length} characters, over the limit of ${limits.maxNameLength}`, {
      member: name.slice(0, 80) + '…',
    });
  }
  return {
    name,
    kind,
    typeflag: header.typeflag,
    headerOffset: pending.headerOffset ?? headerOffset,
    dataOffset,
    size,
    mode: header.mode,
    mtime: header.mtime,
    linkname: pending.pax.get('linkpath') ?? pending.longLink ?? header.linkname,
  };
}
