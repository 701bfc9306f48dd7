import { redact } from '../source/http-request.js';
import type { UploadDetails } from './details.js';

/**
 * What a resumed upload needs to know: which upload it belongs to, which file it was sending, and
 * the parts the store already acknowledged. Plain JSON: Node keeps it in `<file>.upload.json`, a
 * browser caller keeps it wherever it likes.
 */
export interface UploadState {
  version: 1;
  /** The details' identity (upload id / blob path and the part ranges; never a URL's credentials). */
  details: string;
  size: number;
  /** The file's modification time when the parts were sent, where the platform knows one. */
  mtimeMs?: number;
  parts: FinishedPart[];
}

export interface FinishedPart {
  partNumber: number;
  start: number;
  end: number;
  /** S3: the part's ETag. Azure: the block id. */
  etag: string;
}

/**
 * Presigned URLs are signed afresh on each request to the registry, so the identity leaves out
 * query strings: the same upload id (S3) or blob (Azure) with the same ranges is the same upload.
 */
export function detailsIdentity(details: UploadDetails): string {
  const ranges = 'parts' in details ? details.parts.map((p) => `${p.partNumber}:${p.start}-${p.end}`).join(',') : '';
  switch (details.shape) {
    case 's3-parts':
      return `s3:${details.uploadId}:${redact(details.completeUrl)}:${ranges}`;
    case 'azure-blocks':
      return `azure:${redact(details.completeUrl)}:${ranges}`;
    default:
      return `${details.shape}:${redact(details.url)}`;
  }
}

/** Why an earlier state cannot be resumed, or undefined when it can. */
export function staleReason(state: UploadState, identity: string, size: number, mtimeMs: number | undefined): string | undefined {
  if (state.version !== 1 || !Array.isArray(state.parts)) return 'it is not a state this version wrote';
  if (state.details !== identity) return 'it belongs to different upload details';
  if (state.size !== size || (mtimeMs !== undefined && state.mtimeMs !== mtimeMs)) return 'the file changed since';
  return undefined;
}
