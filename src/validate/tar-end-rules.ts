/**
 * Rules on how the archive ends: what tar readers stop at is not always where the file stops.
 * Bytes after the end blocks are invisible to readers but uploaded and hashed with the file. (An
 * archive that ends inside its last member's padding never gets here: the tar decoder refuses it
 * as TRUNCATED_DATA, as Python's tarfile does with "unexpected end of data".)
 */
import type { ByteSource } from '../source/byte-source.js';
import { firstNonZeroAfter } from '../tar/trailing.js';
import type { WalkResult } from '../tar/walk.js';
import { diag, type Diagnostic } from './diagnostics.js';

export async function tarEndRules(walk: WalkResult, source: ByteSource, forUpload: boolean, signal?: AbortSignal): Promise<Diagnostic[]> {
  const at = { member: null, pointer: '' };
  const first = await firstNonZeroAfter(source, walk.endOffset, signal);
  if (first === undefined) return [];
  const what = `${source.byteLength - walk.endOffset} bytes after the end of the archive (offset ${walk.endOffset}) are not all zero (first at ${first}): tar readers ignore them, the registry uploads and hashes them`;
  return [
    forUpload
      ? diag('TRAILING_BYTES', 'error', `${what}; an error for upload`, at)
      : diag('TRAILING_BYTES', 'warning', `${what}; a warning here, an error with --for-upload`, at),
  ];
}
