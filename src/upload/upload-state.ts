import { redact } from '../source/http-request.js';
import type { UploadDetails } from './details.js';

/**
 * What a resumed upload needs to know: which upload it belongs to, the file's size, and the parts
 * the store already acknowledged. It is bound to the file's content, not to its mtime: a part is
 * resumed only when the bytes at its range now are the ones the store holds (its S3 ETag, or the
 * Azure block id made from them, names their MD5: upload.ts checks it before completing). Plain
 * JSON: Node keeps it in `<file>.upload.json`, a browser caller keeps it wherever it likes.
 */
export interface UploadState {
  version: 1;
  /** The details' identity (upload id / blob path and the part ranges; never a URL's credentials). */
  details: string;
  size: number;
  parts: FinishedPart[];
}

export interface FinishedPart {
  partNumber: number;
  start: number;
  end: number;
  /** S3: the part's ETag (the MD5 of its bytes). Azure: the block id (made from their MD5). */
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

/**
 * The parts an earlier state offers for resuming (by part number), or why none can be: the state
 * is input from outside (a file on disk, a caller's value), so only well-formed entries count, and
 * each still has to be proven against the file's bytes.
 */
export function resumableParts(state: unknown, identity: string, size: number): Map<number, FinishedPart> | string {
  if (!isRecord(state) || state.version !== 1 || !Array.isArray(state.parts)) return 'it is not a state this version wrote';
  if (state.details !== identity) return 'it belongs to different upload details';
  if (state.size !== size) return 'the file changed size since';
  const out = new Map<number, FinishedPart>();
  for (const p of state.parts as unknown[]) {
    if (!isRecord(p) || typeof p.etag !== 'string') continue;
    const { partNumber, start, end, etag } = p;
    if ([partNumber, start, end].every((v) => typeof v === 'number' && Number.isSafeInteger(v))) {
      out.set(partNumber as number, { partNumber: partNumber as number, start: start as number, end: end as number, etag });
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
