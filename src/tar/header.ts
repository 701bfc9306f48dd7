/**
 * The tar header codec: one 512-byte block in, its fields out. Pure functions, no I/O, so the
 * same code serves files, URLs and Blobs, and every number is checked before anyone uses it.
 */
import { TarFormatError } from '../errors.js';

export const BLOCK = 512;

export interface RawHeader {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  magic: 'ustar' | 'gnu' | 'v7';
  prefix: string;
  devmajor: number;
  devminor: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** True for an all-zero block: the end-of-archive marker. */
export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** Decodes a non-zero header block at archive offset `at` (used only in messages). */
export function decodeHeader(block: Uint8Array, at: number): RawHeader {
  if (block.length !== BLOCK) {
    throw new TarFormatError('TRUNCATED_HEADER', `header at offset ${at} is truncated (${block.length} of 512 bytes)`);
  }
  const name = cString(block, 0, 100);
  verifyChecksum(block, at, name);
  const magic = decodeMagic(block);
  return {
    name,
    mode: numberAt(block, 100, 8, 'mode', at, name),
    size: numberAt(block, 124, 12, 'size', at, name),
    mtime: numberAt(block, 136, 12, 'mtime', at, name),
    typeflag: String.fromCharCode(block[156]!),
    linkname: cString(block, 157, 100),
    magic,
    // The GNU formats use the prefix area for other fields; only POSIX ustar has a prefix.
    prefix: magic === 'ustar' ? cString(block, 345, 155) : '',
    devmajor: magic === 'v7' ? 0 : numberAt(block, 329, 8, 'devmajor', at, name),
    devminor: magic === 'v7' ? 0 : numberAt(block, 337, 8, 'devminor', at, name),
  };
}

/** "ustar\0" then any version is POSIX; "ustar  \0" is old GNU; anything else is v7. */
function decodeMagic(block: Uint8Array): RawHeader['magic'] {
  if (bytesAre(block, 257, USTAR)) return block[262] === 0 ? 'ustar' : block[262] === 0x20 && bytesAre(block, 263, GNU_TAIL) ? 'gnu' : 'v7';
  return 'v7';
}

const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72]; // "ustar"
const GNU_TAIL = [0x20, 0x00]; // after "ustar ": " \0"

function bytesAre(block: Uint8Array, at: number, expected: readonly number[]): boolean {
  for (let i = 0; i < expected.length; i++) if (block[at + i] !== expected[i]) return false;
  return true;
}

/** Tar writers disagree on signed vs unsigned sums; accept either, as GNU tar and Python do. */
function verifyChecksum(block: Uint8Array, at: number, name: string): void {
  const stored = numberAt(block, 148, 8, 'checksum', at, name);
  const { unsigned, signed } = headerSums(block);
  if (stored !== unsigned && stored !== signed) {
    throw new TarFormatError(
      'BAD_CHECKSUM',
      `header at offset ${at} has a bad checksum (stored ${stored}, computed ${unsigned}): not a tar archive, or corrupted`,
      { member: name || undefined },
    );
  }
}

/**
 * The block's byte sum, unsigned and signed, with the checksum field counted as eight spaces.
 * Four bytes a step, in 16-bit lanes: a byte loop over every header is, interpreted, the hottest
 * code of a short command, and V8 then optimises it on a background thread that the process waits
 * for at exit (bench/startup.mjs).
 */
export function headerSums(block: Uint8Array): { unsigned: number; signed: number } {
  const bytes = block.byteOffset % 4 === 0 ? block : block.slice();
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, BLOCK / 4);
  // Each 16-bit lane sums at most 256 bytes (<= 65280); each 8-bit lane counts at most 128 high bytes.
  let pairs = 0;
  let high = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    pairs += (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff);
    high += (w >>> 7) & 0x01010101;
  }
  let unsigned = (pairs & 0xffff) + (pairs >>> 16);
  let highBytes = (high & 0xff) + ((high >>> 8) & 0xff) + ((high >>> 16) & 0xff) + (high >>> 24);
  for (let i = 148; i < 156; i++) {
    unsigned += 0x20 - bytes[i]!;
    if (bytes[i]! > 127) highBytes--;
  }
  return { unsigned, signed: unsigned - 256 * highBytes };
}

/**
 * An octal field (digits, padded with spaces or NULs) or a GNU base-256 field (high bit of the
 * first byte set). Negative, non-digit or beyond-2^53 values are format errors, never NaN.
 */
export function decodeNumber(field: Uint8Array, what: string, at: number, member?: string): number {
  return numberAt(field, 0, field.length, what, at, member);
}

/**
 * decodeNumber of the `len` bytes at `start`, read in place: a command decodes six numbers per
 * header, and making a string of each was most of what a header walk allocated.
 */
function numberAt(block: Uint8Array, start: number, len: number, what: string, at: number, member?: string): number {
  const first = block[start]!;
  if (first & 0x80) {
    if (first === 0xff) throw badNumber('is a negative base-256 number', what, at, member);
    if (first !== 0x80) throw badNumber('has an unknown base-256 marker', what, at, member);
    let n = 0;
    for (let i = start + 1; i < start + len; i++) {
      n = n * 256 + block[i]!;
      if (n > Number.MAX_SAFE_INTEGER) throw badNumber('is larger than 2^53', what, at, member);
    }
    return n;
  }
  // The digits before the first NUL, between whitespace as String.prototype.trim sees it in Latin-1.
  let end = start;
  while (end < start + len && block[end] !== 0) end++;
  let from = start;
  while (from < end && isTrimmed(block[from]!)) from++;
  while (end > from && isTrimmed(block[end - 1]!)) end--;
  let n = 0;
  for (let i = from; i < end; i++) {
    const digit = block[i]! - 0x30;
    if (digit < 0 || digit > 7) {
      const text = latin1(block, from, end);
      throw badNumber(`is not an octal number (${JSON.stringify(text)})`, what, at, member);
    }
    n = n * 8 + digit;
  }
  if (!Number.isSafeInteger(n)) throw badNumber('is larger than 2^53', what, at, member);
  return n;
}

function badNumber(why: string, what: string, at: number, member: string | undefined): TarFormatError {
  return new TarFormatError('BAD_NUMBER', `header at offset ${at}: ${what} field ${why}`, { member: member || undefined });
}

/** The Latin-1 characters String.prototype.trim removes: tab to carriage return, space and no-break space. */
function isTrimmed(byte: number): boolean {
  return (byte >= 0x09 && byte <= 0x0d) || byte === 0x20 || byte === 0xa0;
}

/** A NUL-terminated (or full-width) string field, as UTF-8 (see decodeText). */
export function cString(block: Uint8Array, start: number, len: number): string {
  // Most link names and prefixes are empty: no view, no decoder call.
  if (len === 0 || block[start] === 0) return '';
  const field = block.subarray(start, start + len);
  const nul = field.indexOf(0);
  return decodeText(nul >= 0 ? field.subarray(0, nul) : field);
}

/**
 * UTF-8 as Python's tarfile decodes names (errors="surrogateescape"): each byte that is not part
 * of a valid sequence becomes U+DC80..U+DCFF. The registry's file_index is made by Python, so a
 * non-UTF-8 name must come out as the same string (and the same JSON), and two different byte
 * names never collapse into one U+FFFD name.
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    let out = '';
    for (let i = 0; i < bytes.length;) {
      const n = sequenceLength(bytes[i]!);
      const seq = n > 0 && i + n <= bytes.length ? tryDecode(bytes.subarray(i, i + n)) : undefined;
      if (seq === undefined) {
        out += String.fromCharCode(0xdc00 + bytes[i]!);
        i++;
      } else {
        out += seq;
        i += n;
      }
    }
    return out;
  }
}

/** True when decodeText escaped bytes that were not UTF-8 (only those give lone U+DC80..U+DCFF). */
export function hasUndecodableBytes(text: string): boolean {
  return /[\udc80-\udcff]/.test(text);
}

/** The length a UTF-8 lead byte announces (0: not a lead byte). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead < 0xe0) return 2;
  if (lead >= 0xe0 && lead < 0xf0) return 3;
  if (lead >= 0xf0 && lead < 0xf5) return 4;
  return 0;
}

function tryDecode(seq: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(seq);
  } catch {
    return undefined;
  }
}

/** Decodes PAX extended-header records: `"<len> <key>=<value>\n"` repeated. */
export function decodePax(data: Uint8Array, at: number): Map<string, string> {
  const records = new Map<string, string>();
  const fail = (why: string) => new TarFormatError('BAD_PAX', `PAX header at offset ${at}: ${why}`);
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // some writers pad the record area with NULs
    const space = data.indexOf(0x20, pos);
    if (space < 0 || space - pos > 20) throw fail('record has no length');
    const len = decimalAt(data, pos, space);
    if (len === undefined) {
      const lenText = latin1(data, pos, space);
      throw fail(`record length ${JSON.stringify(lenText)} is not a number`);
    }
    const end = pos + len;
    if (len <= space - pos + 1 || end > data.length || data[end - 1] !== 0x0a) {
      throw fail(`record length ${len} does not fit the record`);
    }
    const record = data.subarray(space + 1, end - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw fail('record has no key');
    records.set(decodeText(record.subarray(0, eq)), decodeText(record.subarray(eq + 1)));
    pos = end;
  }
  return records;
}

/** The decimal number written in bytes [start, end), if they are all digits (and there is one). */
function decimalAt(data: Uint8Array, start: number, end: number): number | undefined {
  if (start === end) return undefined;
  let n = 0;
  for (let i = start; i < end; i++) {
    const digit = data[i]! - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    n = n * 10 + digit;
  }
  // Past 2^53 the sum above rounds at each step; the string's own conversion rounds once.
  return Number.isSafeInteger(n) ? n : Number(latin1(data, start, end));
}

/** Bytes [start, end) as Latin-1 text: for messages and the rare number past 2^53, never on the common path. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode.apply(null, Array.from(bytes.subarray(start, end)));
}

/** The number of bytes a member's data occupies, padded to whole blocks. */
export function paddedSize(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}
