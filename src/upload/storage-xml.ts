import { SourceError } from '../errors.js';

/** The few XML documents of the storage protocol: built and read by hand (no XML dependency). */

/** Azure block ids: base64 of "block-%08d", as the registry's backend names them. */
export function azureBlockId(partNumber: number): string {
  return btoa(`block-${String(partNumber).padStart(8, '0')}`);
}

export function completeMultipartXml(parts: ReadonlyArray<{ partNumber: number; etag: string }>): string {
  const items = parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${escapeXml(p.etag)}</ETag></Part>`);
  return `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload>${items.join('')}</CompleteMultipartUpload>`;
}

export function blockListXml(blockIds: readonly string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?><BlockList>${blockIds.map((id) => `<Latest>${escapeXml(id)}</Latest>`).join('')}</BlockList>`;
}

/** The UploadId of an InitiateMultipartUpload reply. */
export function parseUploadId(xml: string, label: string): string {
  const id = textOf(xml, 'UploadId');
  if (!id) throw new SourceError('UPLOAD_PROTOCOL', `${label}: the reply carries no UploadId`);
  return id;
}

/**
 * S3 can answer CompleteMultipartUpload with 200 and an <Error> body (the failure is only known
 * after the reply started): that is a failure, not a completed upload.
 */
export function xmlError(xml: string): { code: string; message: string } | undefined {
  if (!/<Error[\s>]/.test(xml)) return undefined;
  return { code: textOf(xml, 'Code') ?? 'Unknown', message: textOf(xml, 'Message') ?? '' };
}

function textOf(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m ? unescapeXml(m[1]!) : undefined;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|apos|quot);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' })[e]!);
}
