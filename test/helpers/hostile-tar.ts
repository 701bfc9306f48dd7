/**
 * Hand-made tar blocks for the hostile corpus: every field settable to a value no honest writer
 * would produce (bad checksums, garbage numbers, lying sizes), so the reader's checks can be hit
 * one at a time. Test code only; the kit's writer lives in src/build.
 */
import { closeSync, openSync, writeSync, ftruncateSync } from 'node:fs';

export const BLOCK = 512;

export interface HeaderSpec {
  name?: string | Uint8Array;
  mode?: number;
  size?: number;
  /** Raw bytes for the 12-byte size field, overriding `size` (garbage, base-256…). */
  sizeField?: Uint8Array;
  /** Raw bytes for the 12-byte mtime field. */
  mtimeField?: Uint8Array;
  typeflag?: string;
  linkname?: string;
  prefix?: string;
  devmajor?: number;
  devminor?: number;
  /** 'ustar' (POSIX), 'gnu' or 'v7' (no magic). */
  magic?: 'ustar' | 'gnu' | 'v7';
  /** Add this to the correct checksum (0 = correct). */
  checksumDelta?: number;
}

const enc = new TextEncoder();

function put(block: Uint8Array, at: number, len: number, value: string | Uint8Array): void {
  const bytes = typeof value === 'string' ? enc.encode(value) : value;
  block.set(bytes.subarray(0, len), at);
}

function octal(n: number, len: number): string {
  return n.toString(8).padStart(len - 1, '0') + '\u0000';
}

/** One 512-byte header block. */
export function header(spec: HeaderSpec): Uint8Array {
  const b = new Uint8Array(BLOCK);
  put(b, 0, 100, spec.name ?? '');
  put(b, 100, 8, octal(spec.mode ?? 0o644, 8));
  put(b, 108, 8, octal(0, 8));
  put(b, 116, 8, octal(0, 8));
  if (spec.sizeField) put(b, 124, 12, spec.sizeField);
  else put(b, 124, 12, octal(spec.size ?? 0, 12));
  if (spec.mtimeField) put(b, 136, 12, spec.mtimeField);
  else put(b, 136, 12, octal(1_700_000_000, 12));
  put(b, 156, 1, spec.typeflag ?? '0');
  put(b, 157, 100, spec.linkname ?? '');
  const magic = spec.magic ?? 'ustar';
  if (magic === 'ustar') put(b, 257, 8, 'ustar\u000000');
  if (magic === 'gnu') put(b, 257, 8, 'ustar  \u0000');
  if (magic !== 'v7') {
    put(b, 329, 8, octal(spec.devmajor ?? 0, 8));
    put(b, 337, 8, octal(spec.devminor ?? 0, 8));
  }
  if (magic === 'ustar' && spec.prefix) put(b, 345, 155, spec.prefix);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  put(b, 148, 8, octal(sum + (spec.checksumDelta ?? 0), 7) + ' ');
  return b;
}

export function pad(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  out.set(data);
  return out;
}

/** A regular file member: header plus padded data. */
export function file(name: string | Uint8Array, data: string | Uint8Array = '', spec: HeaderSpec = {}): Uint8Array[] {
  const bytes = typeof data === 'string' ? enc.encode(data) : data;
  return [header({ name, size: bytes.length, ...spec }), pad(bytes)];
}

/** A PAX `x` header carrying the given records, ahead of the member it describes. */
export function pax(records: Record<string, string>, typeflag = 'x'): Uint8Array[] {
  const body = enc.encode(
    Object.entries(records)
      .map(([k, v]) => paxRecord(k, v))
      .join(''),
  );
  return [header({ name: 'PaxHeader', size: body.length, typeflag }), pad(body)];
}

/** `"<len> key=value\n"` where len counts itself. */
export function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const n = enc.encode(rest).length;
  let digits = String(n).length;
  if (String(n + digits).length > digits) digits++;
  return `${n + digits}${rest}`;
}

/** A GNU long-name (`L`) entry naming the member after it. */
export function gnuLongName(name: string): Uint8Array[] {
  const body = enc.encode(name + '\u0000');
  return [header({ name: '././@LongLink', size: body.length, typeflag: 'L', magic: 'gnu' }), pad(body)];
}

export const END = new Uint8Array(BLOCK * 2);

/** Archive parts laid end to end. */
export function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

/** A tar from parts, with end-of-archive blocks. */
export function tar(parts: Uint8Array[][]): Uint8Array {
  return concat([...parts.flat(), END]);
}

/**
 * Writes `head` at offset 0 and makes the file `totalSize` bytes long with a hole after it, plus
 * `tail` at the very end: a multi-gigabyte archive that costs a few blocks of disk.
 */
export function writeSparse(path: string, head: Uint8Array, totalSize: number, tail: Uint8Array = new Uint8Array(0)): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head, 0, head.length, 0);
    ftruncateSync(fd, totalSize);
    if (tail.length) writeSync(fd, tail, 0, tail.length, totalSize - tail.length);
  } finally {
    closeSync(fd);
  }
}

/** A deterministic pseudo-random byte stream (xorshift32), so corpus files are reproducible. */
export function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
