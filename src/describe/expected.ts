import { UsageError } from '../errors.js';
import type { FileIndex } from '../tar/entry.js';

/** What a transfer (download, upload) is checked against: the descriptor's fields or explicit options. */
export interface TransferDescriptor {
  file_hash?: string;
  size?: number;
  file_index?: FileIndex;
}

export interface TransferExpected {
  sha256?: string;
  size?: number;
  fileIndex?: FileIndex;
}

/** Explicit options win over the descriptor's fields; a hash is compared in lower case. */
export function expectedOf(options: { sha256?: string; size?: number; descriptor?: TransferDescriptor }): TransferExpected {
  const sha256 = options.sha256 ?? options.descriptor?.file_hash;
  if (sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha256)) {
    throw new UsageError('BAD_OPTION', `expected SHA-256 "${sha256}" is not 64 hex digits`);
  }
  const size = options.size ?? options.descriptor?.size;
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0))
    throw new UsageError('BAD_OPTION', `expected size ${size} is not a byte count`);
  const fileIndex = options.descriptor?.file_index;
  if (fileIndex !== undefined) checkIndexShape(fileIndex);
  return { sha256: sha256?.toLowerCase(), size, fileIndex };
}

/** Checked before the first request: a descriptor from elsewhere is input, and a bad one must not cost a download. */
function checkIndexShape(index: unknown): void {
  if (typeof index !== 'object' || index === null || Array.isArray(index))
    throw new UsageError('BAD_DESCRIPTOR', 'file_index must be an object');
  for (const [name, range] of Object.entries(index)) {
    const pair = Array.isArray(range) && range.length === 2 && range.every((n) => Number.isSafeInteger(n) && n >= 0);
    if (!pair) {
      throw new UsageError(
        'BAD_DESCRIPTOR',
        `file_index value ${JSON.stringify(range) ?? String(range)} is not an [offset, size] pair of whole byte counts`,
        {
          member: name,
          hint: 'the descriptor is the JSON `fnnx-kit pack --json` or `describe --json` prints; give that file unchanged',
        },
      );
    }
  }
}
