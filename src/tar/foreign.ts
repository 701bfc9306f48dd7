/** What people mistake for (or disguise as) a tar artifact, told by its first bytes. */
import { TarFormatError } from '../errors.js';
import { decompressHint, type Compression } from './decompress-hint.js';
import { BLOCK } from './header.js';

const NOT_A_TAR_HINT = 'FNNX artifacts are uncompressed tar archives or directories';

/** The one table of compressed-file signatures: what the tar reader refuses and validate --for-upload calls compressed. */
const COMPRESSED: ReadonlyArray<{ magic: number[]; name: Compression }> = [
  { magic: [0x1f, 0x8b], name: 'gzip' },
  { magic: [0x42, 0x5a, 0x68], name: 'bzip2' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'xz' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd' },
];

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function startsWith(head: Uint8Array, magic: readonly number[]): boolean {
  return magic.length <= head.length && magic.every((b, i) => head[i] === b);
}

/** The compression whose signature `head` (a file's first bytes) starts with, if any. */
export function compressionOf(head: Uint8Array): Compression | undefined {
  return COMPRESSED.find((c) => startsWith(head, c.magic))?.name;
}

/**
 * The error for an archive whose first block is no tar header (`head`: its first bytes, a whole
 * block or all there is). Called only once the block failed as a header, so a member named "BZh…"
 * is never mistaken for bzip2; a short gzip file says "compressed", not "truncated".
 */
export function foreignFormatError(head: Uint8Array, label: string, cause?: unknown): TarFormatError {
  const compression = compressionOf(head);
  if (compression) {
    return new TarFormatError('COMPRESSED', `${label} is ${compression}-compressed; FNNX artifacts are plain tar`, {
      hint: decompressHint(label, compression),
    });
  }
  if (startsWith(head, ZIP_MAGIC)) {
    return new TarFormatError('NOT_A_TAR', `${label} is a zip archive; FNNX artifacts are plain tar`, { hint: NOT_A_TAR_HINT });
  }
  if (head.length < BLOCK) {
    return new TarFormatError('NOT_A_TAR', `${label} is ${head.length} bytes, too short to be a tar archive`, { hint: NOT_A_TAR_HINT });
  }
  return new TarFormatError('NOT_A_TAR', `${label} is not a tar archive (no valid header at offset 0)`, { cause, hint: NOT_A_TAR_HINT });
}
