import { AbortError, SourceError } from '../errors.js';
import { wasmHasher } from '../hash/wasm-hasher.js';
import { redact, unknownStatus, type FetchFn } from '../source/http-request.js';
import type { StorageRequest, UploadBody } from '../upload/upload-body.js';
import { initiateMultipart, upload, type InitiateMultipartOptions, type UploadOptions, type UploadResult } from '../upload/upload.js';
import { blobChunks } from './blob-chunks.js';

export interface UploadBlobOptions extends UploadOptions {
  fetch?: FetchFn;
}

/**
 * Uploads a File or Blob by the registry's upload details (see upload.ts). Each part is sent as
 * `blob.slice(start, end)`, which the browser streams from disk itself, so memory stays flat
 * whatever the part size. To resume after a reload or a network loss, keep the last value
 * `onState` gave and pass it back as `state` with the same details and file.
 */
export function uploadBlob(blob: Blob, details: unknown, options: UploadBlobOptions = {}): Promise<UploadResult> {
  return upload(new BlobUploadBody(blob, options.fetch ?? globalThis.fetch.bind(globalThis)), details, options);
}

/** POSTs an S3 "?uploads" URL from the page; returns the UploadId (the bucket's CORS must allow POST). */
export function initiateMultipartUpload(url: string, options: InitiateMultipartOptions & { fetch?: FetchFn } = {}): Promise<string> {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  return initiateMultipart((request, signal) => sendWithFetch(fetchFn, undefined, request, signal), url, options);
}

class BlobUploadBody implements UploadBody {
  readonly label: string;
  readonly size: number;
  readonly hasher = wasmHasher;

  constructor(
    private readonly blob: Blob,
    private readonly fetchFn: FetchFn,
  ) {
    this.label = 'name' in blob && typeof blob.name === 'string' ? blob.name : 'blob';
    this.size = blob.size;
  }

  send(request: StorageRequest, signal?: AbortSignal): Promise<Response> {
    return sendWithFetch(this.fetchFn, this.blob, request, signal);
  }

  chunks(signal?: AbortSignal): AsyncIterable<Uint8Array> {
    return blobChunks(this.blob, signal);
  }

  /** A File the user changed after choosing it fails to read (the browser checks); nothing more to ask here. */
  checkUnchanged(): Promise<void> {
    return Promise.resolve();
  }
}

async function sendWithFetch(fetchFn: FetchFn, blob: Blob | undefined, request: StorageRequest, signal?: AbortSignal): Promise<Response> {
  const range = typeof request.body === 'object' ? request.body : undefined;
  const body = range && blob ? blob.slice(range.start, range.end) : (request.body as string | undefined);
  const label = `${request.method} ${redact(request.url)}`;
  let res: Response;
  try {
    res = await fetchFn(request.url, { method: request.method, headers: request.headers, body, signal });
  } catch (e) {
    if (signal?.aborted) throw new AbortError();
    throw new SourceError('NETWORK_ERROR', `${label}: ${(e as Error).message}`, { cause: e });
  }
  // A fetch of another kind (a caller's) may hold any status; the core takes 200-599 only.
  const refused = unknownStatus(res.status, label);
  if (refused) {
    res.body?.cancel().catch(() => undefined);
    throw refused;
  }
  // fetch reports no upload progress: a part counts once the store answered.
  if (range && res.ok) request.onBytes?.(range.end - range.start);
  return res;
}
