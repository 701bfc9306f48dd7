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
    throw new UsageError('BAD_SHA256', `expected SHA-256 "${sha256}" is not 64 hex digits`);
  }
  const size = options.size ?? options.descriptor?.size;
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) throw new UsageError('BAD_SIZE', `expected size ${size} is not a byte count`);
  return { sha256: sha256?.toLowerCase(), size, fileIndex: options.descriptor?.file_index };
}
