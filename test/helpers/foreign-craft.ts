/**
 * Hand-made tar blocks for the codec and walk tests: the one "writer" that can produce the broken
 * and odd headers no real tool writes (bad sums, signed sums, junk numbers, missing end blocks).
 */
export interface CraftOptions {
  name?: string;
  /** A number (written as octal) or the raw field text. */
  size?: number | string;
  typeflag?: string;
  magic?: 'ustar' | 'gnu' | 'v7';
  prefix?: string;
  linkname?: string;
  /** Which sum to store: POSIX's unsigned one (default) or the signed one old Sun tars wrote. */
  checksum?: 'unsigned' | 'signed';
}

const MAGIC = { ustar: 'ustar\u000000', gnu: 'ustar  \u0000', v7: '' };

export function craftHeader(o: CraftOptions = {}): Uint8Array {
  const h = new Uint8Array(512);
  const put = (text: string, at: number, width: number) => h.set(new TextEncoder().encode(text).subarray(0, width), at);
  put(o.name ?? 'file.txt', 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(typeof o.size === 'string' ? o.size : `${(o.size ?? 0).toString(8).padStart(11, '0')}\0`, 124, 12);
  put('14000000000\0', 136, 12);
  put(o.typeflag ?? '0', 156, 1);
  put(o.linkname ?? '', 157, 100);
  put(MAGIC[o.magic ?? 'ustar'], 257, 8);
  put(o.prefix ?? '', 345, 155);
  put('        ', 148, 8);
  let sum = 0;
  for (const b of h) sum += o.checksum === 'signed' && b > 127 ? b - 256 : b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

/** A header and its data padded to whole blocks. */
export function craftMember(data: Uint8Array | string, o: CraftOptions = {}): Uint8Array {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const out = new Uint8Array(512 + Math.ceil(bytes.length / 512) * 512);
  out.set(craftHeader({ size: bytes.length, ...o }));
  out.set(bytes, 512);
  return out;
}

/** A PAX extended header ('x', or 'g' for global) carrying `records`, as one member. */
export function craftPax(records: Record<string, string>, typeflag: 'x' | 'g' = 'x'): Uint8Array {
  const text = Object.entries(records)
    .map(([k, v]) => paxRecord(k, v))
    .join('');
  return craftMember(text, { name: 'PaxHeaders/x', typeflag });
}

/** One `"<len> key=value\n"` record; the length counts its own digits and is in bytes. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = new TextEncoder().encode(body).length;
  let len = bodyLen + 1;
  while (String(len).length + bodyLen !== len) len++;
  return `${len}${body}`;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const END = new Uint8Array(1024);
