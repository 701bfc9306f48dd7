import {
  CreateMultipartUploadCommand,
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import S3rver from 's3rver';
import { tempDir } from './paths.js';

export const BUCKET = 'models';

/** s3rver's fixed credentials. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Fixture {
  endpoint: string;
  client: S3Client;
  close(): Promise<void>;
}

/** A real S3 emulator (s3rver) on 127.0.0.1 with one bucket; CORS open so a browser page can PUT and read ETag. */
export async function startS3(options: { cors?: boolean } = {}): Promise<S3Fixture> {
  const cors = options.cors
    ? `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>DELETE</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`
    : undefined;
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: tempDir('fnnx-s3-'),
    configureBuckets: [{ name: BUCKET, configs: cors ? [cors] : [] }],
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS });
  return { endpoint, client, close: () => server.close() };
}

/** Points a presigned URL at another origin (the fault proxy) while keeping its signed path and query. */
export function via(url: string, origin: string | undefined): string {
  if (!origin) return url;
  const u = new URL(url);
  return `${origin}${u.pathname}${u.search}`;
}

/** The registry backend's single-PUT details (type s3, multipart false). */
export async function singleDetails(s3: S3Fixture, key: string, origin?: string) {
  const url = await getSignedUrl(s3.client, new PutObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 3600 });
  return { type: 's3', url: via(url, origin), multipart: false };
}

export async function initiateDetails(s3: S3Fixture, key: string) {
  const url = await getSignedUrl(s3.client, new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 3600 });
  return { type: 's3', url, multipart: true };
}

/** The registry backend's part-URL answer for an upload id: `partSize` ranges, end_byte inclusive. */
export async function partsDetails(s3: S3Fixture, key: string, uploadId: string, size: number, partSize: number, origin?: string) {
  const parts = [];
  for (let n = 1, start = 0; start < size || (size === 0 && n === 1); n++, start += partSize) {
    const end = Math.min(size, start + partSize) - 1;
    const url = await getSignedUrl(s3.client, new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, PartNumber: n }), {
      expiresIn: 3600,
    });
    parts.push({ part_number: n, url: via(url, origin), start_byte: start, end_byte: end, part_size: end - start + 1 });
    if (size === 0) break;
  }
  const complete = await getSignedUrl(s3.client, new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId }), {
    expiresIn: 3600,
  });
  const abort = await getSignedUrl(s3.client, new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId }), {
    expiresIn: 3600,
  });
  return { type: 's3', upload_id: uploadId, parts, complete_url: via(complete, origin), abort_url: via(abort, origin) };
}

/** The object's bytes as the store holds them, or undefined when there is none. */
export async function objectBytes(s3: S3Fixture, key: string): Promise<Buffer | undefined> {
  try {
    const res = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await res.Body!.transformToByteArray());
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
    throw e;
  }
}
