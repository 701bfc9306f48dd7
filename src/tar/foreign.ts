/** What people mistake for (or disguise as) a tar artifact, told by its first bytes. */
import type { ErrorCode } from '../codes.js';
import { TarFormatError } from '../errors.js';
import { decompressHint } from './decompress-hint.js';
import { BLOCK } from './header.js';

const NOT_A_TAR_HINT = 'FNNX artifacts are uncompressed tar archives or directories';

const FOREIGN: Array<{ magic: number[]; what: string; code: ErrorCode; hint: (label: string) => string }> = [
  { magic: [0x1f, 0x8b], what: 'gzip-compressed', code: 'COMPRESSED', hint: (l) => decompressHint(l, 'gzip') },
  { magic: [0x42, 0x5a, 0x68], what: 'bzip2-compressed', code: 'COMPRESSED', hint: (l) => decompressHint(l, 'bzip2') },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed', code: 'COMPRESSED', hint: (l) => decompressHint(l, 'xz') },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed', code: 'COMPRESSED', hint: (l) => decompressHint(l, 'zstd') },
  { magic: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive', code: 'NOT_A_TAR', hint: () => NOT_A_TAR_HINT },
];

/**
 * The error for an archive whose first block is no tar header (`head`: its first bytes, a whole
 * block or all there is). Called only once the block failed as a header, so a member named "BZh…"
 * is never mistaken for bzip2; a short gzip file says "compressed", not "truncated".
 */
export function foreignFormatError(head: Uint8Array, label: string, cause?: unknown): TarFormatError {
  for (const f of FOREIGN) {
    if (f.magic.length <= head.length && f.magic.every((b, i) => head[i] === b)) {
      return new TarFormatError(f.code, `${label} is ${f.what}; FNNX artifacts are plain tar`, { hint: f.hint(label) });
    }
  }
  if (head.length < BLOCK) {
    return new TarFormatError('NOT_A_TAR', `${label} is ${head.length} bytes, too short to be a tar archive`, { hint: NOT_A_TAR_HINT });
  }
  return new TarFormatError('NOT_A_TAR', `${label} is not a tar archive (no valid header at offset 0)`, { cause, hint: NOT_A_TAR_HINT });
}
