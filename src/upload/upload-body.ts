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
  /**
   * Only for an S3 part: a body that can hash as it sends compares an MD5-shaped ETag with the
   * MD5 of the bytes sent, and fails with UPLOAD_ETAG_MISMATCH when they differ.
   */
  checkEtag?: boolean;
  /** Bytes of a range handed to the network so far in this attempt (called with each increment). */
  onBytes?: (n: number) => void;
}

export interface UploadBody {
  /** For messages: the file's name. */
  readonly label: string;
  readonly size: number;
  /** Modification time, where the platform has one (resume keys on it). */
  readonly mtimeMs?: number;
  /** Resolves once the reply's headers arrived; network failures reject with a retriable SourceError. */
  send(request: StorageRequest, signal?: AbortSignal): Promise<Response>;
  /** One sequential hashing read of the whole file. */
  sha256(signal?: AbortSignal): Promise<string>;
  /** Rejects when the file is no longer the one measured at open (size or mtime moved). */
  checkUnchanged(): Promise<void>;
}
