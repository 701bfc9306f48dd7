import type { HasherFactory } from '../hash/hasher.js';

/**
 * The platform seam of the uploader: the file's bytes and the one way to send them. Node sends a
 * byte range of a file over node:http as a stream with backpressure; the browser hands fetch a
 * Blob.slice(), which it streams itself. The core (upload.ts) sees only this.
 */
export interface ByteRange {
  start: number;
  /** Exclusive. */
  end: number;
}

export interface StorageRequest {
  method: 'PUT' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** A range of the file, or a small text document (XML). */
  body?: ByteRange | string;
  /**
   * Only for a range: the SHA-256 its bytes must have. A body that can check it while sending
   * withholds its last bytes when they differ, so the store never receives a complete object.
   */
  expectSha256?: string;
  /** Bytes of a range handed to the network so far in this attempt (called with each increment). */
  onBytes?: (n: number) => void;
}

export interface UploadBody {
  /** For messages: the file's name. */
  readonly label: string;
  readonly size: number;
  /**
   * Resolves once the reply's headers arrived, with its body still to read (the core reads at
   * most a small bound of it). Network failures reject with a retriable SourceError; a status
   * outside 200-599 with HTTP_STATUS.
   */
  send(request: StorageRequest, signal?: AbortSignal): Promise<Response>;
  /** The file from its first byte to its last, in order; a chunk is valid until the next is asked for. */
  chunks(signal?: AbortSignal): AsyncIterable<Uint8Array>;
  /** The platform's hashers: the core hashes the chunks (the file's SHA-256, each part's MD5). */
  readonly hasher: HasherFactory;
  /** Rejects when the file is no longer the one measured at open (size or mtime moved). */
  checkUnchanged(): Promise<void>;
}
