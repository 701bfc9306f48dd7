import { UsageError } from '../errors.js';
import { AZURE_MAX_BLOCKS } from './storage-xml.js';

/**
 * The registry's upload details (its create call's answer, then its part-URL call's), checked
 * once at the boundary so the uploader works on precise shapes. Byte ranges are half-open here
 * (`end` exclusive); the registry's `end_byte` is inclusive.
 */

export type StorageType = 's3' | 'azure';

export interface PartTarget {
  partNumber: number;
  url: string;
  start: number;
  end: number;
}

export type UploadDetails =
  /** One PUT of the whole file. */
  | { shape: 'single'; type: StorageType; url: string }
  /** S3 multipart, first step: POST this URL to get an upload id, then ask the registry for part URLs. */
  | { shape: 's3-initiate'; url: string }
  | { shape: 's3-parts'; uploadId: string; parts: PartTarget[]; completeUrl: string; abortUrl?: string }
  | { shape: 'azure-blocks'; parts: PartTarget[]; completeUrl: string };

const bad = (what: string) =>
  new UsageError('UPLOAD_DETAILS_INVALID', `upload details: ${what}`, {
    hint: 'pass the JSON the registry answered (its create call, or its part-URL call for a multipart upload); docs/upload.md shows each shape',
  });

export function parseUploadDetails(doc: unknown): UploadDetails {
  if (!isRecord(doc)) throw bad('not a JSON object');
  const type = doc.type;
  if (type !== 's3' && type !== 'azure') throw bad(`"type" must be "s3" or "azure", got ${JSON.stringify(type)}`);
  if (Array.isArray(doc.parts)) {
    const parts = doc.parts.map(partOf);
    checkContiguous(parts);
    const completeUrl = urlField(doc, 'complete_url');
    if (type === 'azure') {
      if (parts.length > AZURE_MAX_BLOCKS) throw bad(`${parts.length} parts: Azure takes at most ${AZURE_MAX_BLOCKS} blocks a blob`);
      return { shape: 'azure-blocks', parts, completeUrl };
    }
    const uploadId = doc.upload_id;
    if (typeof uploadId !== 'string' || uploadId === '') throw bad('"upload_id" must be a non-empty string');
    const abortUrl = doc.abort_url === undefined || doc.abort_url === null ? undefined : urlField(doc, 'abort_url');
    return { shape: 's3-parts', uploadId, parts, completeUrl, abortUrl };
  }
  if (doc.multipart === true && type === 'azure') {
    // The registry's first answer for a large Azure upload has no URL: its part-URL call gives the blocks.
    throw bad(
      'these are the first details of an Azure multipart upload: ask the registry for its part URLs and pass that answer (it has "parts" and "complete_url")',
    );
  }
  const url = urlField(doc, 'url');
  if (doc.multipart === true) return { shape: 's3-initiate', url };
  return { shape: 'single', type, url };
}

/** Bytes the details expect the file to have: the end of the last part (single PUT: unknown). */
export function detailsSize(details: UploadDetails): number | undefined {
  return 'parts' in details ? (details.parts.at(-1)?.end ?? 0) : undefined;
}

function partOf(p: unknown, i: number): PartTarget {
  if (!isRecord(p)) throw bad(`parts[${i}] is not an object`);
  const n = (key: string) => {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw bad(`parts[${i}].${key} must be a whole number`);
    return v;
  };
  const partNumber = n('part_number');
  const start = n('start_byte');
  const endByte = n('end_byte');
  if (endByte < start) throw bad(`parts[${i}] ends before it starts`);
  if (p.part_size !== undefined && p.part_size !== endByte - start + 1) throw bad(`parts[${i}].part_size disagrees with its byte range`);
  return { partNumber, url: urlField(p, 'url', `parts[${i}].url`), start, end: endByte + 1 };
}

/** Parts sorted by number must tile [0, size) with no gap or overlap: else bytes would be lost or doubled. */
function checkContiguous(parts: PartTarget[]): void {
  if (parts.length === 0) throw bad('"parts" is empty');
  parts.sort((a, b) => a.partNumber - b.partNumber);
  let at = 0;
  for (const [i, p] of parts.entries()) {
    if (i > 0 && p.partNumber === parts[i - 1]!.partNumber) throw bad(`part_number ${p.partNumber} appears twice`);
    if (p.start !== at) throw bad(`part ${p.partNumber} starts at byte ${p.start}, expected ${at}`);
    at = p.end;
  }
}

function urlField(doc: Record<string, unknown>, key: string, label = `"${key}"`): string {
  const v = doc[key];
  if (typeof v !== 'string' || !/^https?:\/\//i.test(v)) throw bad(`${label} must be an http(s) URL`);
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
