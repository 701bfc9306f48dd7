/**
 * The header every member gets: the same fields whatever the machine, the user or the clock, so
 * the same inputs give the same archive byte for byte. tar-stream writes plain ustar and falls
 * back to a PAX record by itself for names ustar cannot hold (long, or not ASCII); the one case
 * it would solve differently, sizes past ustar's 11 octal digits, gets an explicit PAX `size`.
 */
import type { Header } from 'tar-stream';

/** 2000-01-01T00:00:00Z: fixed, and recent enough that no tool warns about an ancient date. */
export const FIXED_MTIME = new Date(946_684_800_000);
export const FILE_MODE = 0o644;
/** Largest size ustar's 11-digit octal field holds: 8 GiB - 1. */
export const USTAR_MAX_SIZE = 0o77777777777;

export type TarHeader = Header & { pax?: Record<string, string> };

export function fileHeader(name: string, size: number, mtime: Date = FIXED_MTIME): TarHeader {
  const header: TarHeader = {
    name,
    size,
    mode: FILE_MODE,
    mtime,
    type: 'file',
    linkname: '',
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    devmajor: 0,
    devminor: 0,
  };
  if (size > USTAR_MAX_SIZE) header.pax = { size: String(size) };
  return header;
}
