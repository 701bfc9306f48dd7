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
  verifyChecksum(block, at);
  const magic = decodeMagic(block);
  const name = cString(block, 0, 100);
  const field = (start: number, len: number, what: string) => decodeNumber(block.subarray(start, start + len), what, at, name);
  return {
    name,
    mode: field(100, 8, 'mode'),
    size: field(124, 12, 'size'),
    mtime: field(136, 12, 'mtime'),
    typeflag: String.fromCharCode(block[156]!),
    linkname: cString(block, 157, 100),
    magic,
    // The GNU formats use the prefix area for other fields; only POSIX ustar has a prefix.
    prefix: magic === 'ustar' ? cString(block, 345, 155) : '',
    devmajor: magic === 'v7' ? 0 : field(329, 8, 'devmajor'),
    devminor: magic === 'v7' ? 0 : field(337, 8, 'devminor'),
  };
}

function decodeMagic(block: Uint8Array): RawHeader['magic'] {
  const m = String.fromCharCode(...block.subarray(257, 265));
  if (m === 'ustar\u000000' || m.startsWith('ustar\u0000')) return 'ustar';
  if (m === 'ustar  \u0000') return 'gnu';
  return 'v7';
}

/** Tar writers disagree on signed vs unsigned sums; accept either, as GNU tar and Python do. */
function verifyChecksum(block: Uint8Array, at: number): void {
  const stored = decodeNumber(block.subarray(148, 156), 'checksum', at, cString(block, 0, 100));
  const { unsigned, signed } = headerSums(block);
  if (stored !== unsigned && stored !== signed) {
    throw new TarFormatError(
      'BAD_CHECKSUM',
      `header at offset ${at} has a bad checksum (stored ${stored}, computed ${unsigned}): not a tar archive, or corrupted`,
      { member: cString(block, 0, 100) || undefined },
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
  const fail = (why: string) =>
    new TarFormatError('BAD_NUMBER', `header at offset ${at}: ${what} field ${why}`, { member: member || undefined });
  const first = field[0]!;
  if (first & 0x80) {
    if (first === 0xff) throw fail('is a negative base-256 number');
    if (first !== 0x80) throw fail('has an unknown base-256 marker');
    let n = 0;
    for (let i = 1; i < field.length; i++) {
      n = n * 256 + field[i]!;
      if (n > Number.MAX_SAFE_INTEGER) throw fail('is larger than 2^53');
    }
    return n;
  }
  let end = field.length;
  const nul = field.indexOf(0);
  if (nul >= 0) end = nul;
  const text = String.fromCharCode(...field.subarray(0, end)).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw fail(`is not an octal number (${JSON.stringify(text)})`);
  const n = parseInt(text, 8);
  if (!Number.isSafeInteger(n)) throw fail('is larger than 2^53');
  return n;
}

/** A NUL-terminated (or full-width) string field, as UTF-8 (see decodeText). */
export function cString(block: Uint8Array, start: number, len: number): string {
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
    const lenText = String.fromCharCode(...data.subarray(pos, space));
    if (!/^[0-9]+$/.test(lenText)) throw fail(`record length ${JSON.stringify(lenText)} is not a number`);
    const len = Number(lenText);
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

/** The number of bytes a member's data occupies, padded to whole blocks. */
export function paddedSize(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}
