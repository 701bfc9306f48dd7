import { SourceError } from '../errors.js';

/** The few XML documents of the storage protocol: built and read by hand (no XML dependency). */

/** An optional XML namespace prefix (`s3:`). */
const PREFIX = '(?:[A-Za-z_][\\w.-]*:)?';

/**
 * Azure block ids commit to the block's bytes: two bytes of the part's position, then the first
 * twelve bytes of its MD5, base64. A block put under this id (with Content-MD5, which the store
 * checks) holds these bytes, so a resumed block is the local one exactly when the id computed from
 * the local bytes is the one recorded. Fourteen bytes, like the registry's own "block-%08d" ids:
 * Azure refuses a block whose id length differs from blocks already uncommitted on the blob.
 */
export function azureBlockId(index: number, md5Hex: string): string {
  const bytes = new Uint8Array(14);
  bytes[0] = index >> 8;
  bytes[1] = index & 0xff;
  bytes.set(hexBytes(md5Hex).subarray(0, 12), 2);
  return base64(bytes);
}

/** Azure takes at most 50,000 blocks a blob; the id's two position bytes hold that many. */
export const AZURE_MAX_BLOCKS = 50_000;

/** The Content-MD5 header of a body with this MD5: base64 of its 16 bytes. */
export function contentMd5(md5Hex: string): string {
  return base64(hexBytes(md5Hex));
}

/**
 * The registry's block URL with our block id in place of its own: only the `blockid` query value
 * changes (the SAS signature does not cover it); the rest of the URL is kept byte for byte.
 */
export function withBlockId(url: string, id: string): string | undefined {
  const m = /[?&]blockid=[^&#]*/i.exec(url);
  if (!m) return undefined;
  const at = m.index + 1;
  return `${url.slice(0, at)}blockid=${encodeURIComponent(id)}${url.slice(m.index + m[0].length)}`;
}

/** The MD5 an S3 ETag names, when it has that shape (not KMS-encrypted, not a multipart object's). */
export function etagMd5(etag: string | null | undefined): string | undefined {
  return etag?.match(/^"?([0-9a-fA-F]{32})"?$/)?.[1]!.toLowerCase();
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
  // Any namespace prefix (`<s3:Error>`): a store that qualifies its elements still means failure.
  if (!new RegExp(`<${PREFIX}Error[\\s/>]`).test(xml)) return undefined;
  return { code: textOf(xml, 'Code') ?? 'Unknown', message: textOf(xml, 'Message') ?? '' };
}

function textOf(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<(${PREFIX})${tag}(?:\\s[^>]*)?>([^<]*)</\\1${tag}\\s*>`).exec(xml);
  return m ? unescapeXml(m[2]!) : undefined;
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|apos|quot);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' })[e]!);
}
