import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A storage server that lies, for the upload and download cases a real store never shows: by
 * default it plays S3 (an upload id for `?uploads`, each part's ETag the MD5 of what it received,
 * a CompleteMultipartUploadResult, an object for GET), and `decide` turns any request into one of
 * the answers below. Every answer it starts is counted, and every body byte it wrote, so a test
 * can pin that the client stopped reading.
 */
export type HostileAnswer =
  /** Play the store (the default). */
  | { kind: 'normal' }
  /** A final status HTTP does not define, e.g. 600 (written raw: Node's server would refuse it). */
  | { kind: 'raw-status'; status: number }
  /** An informational `HTTP/1.1 199` (or any 1xx), then nothing: the final reply never comes. */
  | { kind: 'informational-then-silence'; status: number }
  /** Take the request, never answer. */
  | { kind: 'silence' }
  /** A status and headers, then a body of `bytes` bytes (streamed with backpressure, never held). */
  | { kind: 'huge-body'; status: number; bytes: number; headers?: Record<string, string> }
  /** A status with this XML body. */
  | { kind: 'xml'; status: number; xml: string }
  /** A part accepted under this ETag (a store or proxy that lies about what it holds). */
  | { kind: 'etag'; etag: string };

export interface HostileRequest {
  method: string;
  url: URL;
}

export interface HostileStorage {
  origin: string;
  /** Every request, in arrival order. */
  requests: HostileRequest[];
  /** Body bytes the server wrote in `huge-body` answers (all of them, so far). */
  hugeBytesWritten(): number;
  close(): Promise<void>;
}

export const HOSTILE_UPLOAD_ID = 'hostile-upload-1';

export async function startHostileStorage(
  decide: (req: HostileRequest, index: number) => HostileAnswer = () => ({ kind: 'normal' }),
  object: Buffer = Buffer.alloc(0),
): Promise<HostileStorage> {
  const requests: HostileRequest[] = [];
  let hugeWritten = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const info = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://storage') };
    const answer = decide(info, requests.length);
    requests.push(info);
    const md5 = createHash('md5');
    req.on('data', (c: Buffer) => md5.update(c));
    req.once('end', () => {
      switch (answer.kind) {
        case 'raw-status':
          return void req.socket.end(`HTTP/1.1 ${answer.status} Odd\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        case 'informational-then-silence':
          return void req.socket.write(`HTTP/1.1 ${answer.status} Wait\r\n\r\n`);
        case 'silence':
          return;
        case 'huge-body':
          res.writeHead(answer.status, { 'content-length': String(answer.bytes), ...answer.headers });
          return streamHuge(res, answer.bytes, (n) => (hugeWritten += n));
        case 'xml':
          return void res.writeHead(answer.status, { 'content-type': 'application/xml' }).end(answer.xml);
        case 'etag':
          return void res.writeHead(200, { etag: answer.etag }).end();
        default:
          return normal(info, res, md5.digest('hex'), object);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    hugeBytesWritten: () => hugeWritten,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** S3 as far as the uploader and the downloader use it. */
function normal(req: HostileRequest, res: ServerResponse, md5: string, object: Buffer): void {
  if (req.method === 'POST' && req.url.searchParams.has('uploads')) {
    res.writeHead(200, { 'content-type': 'application/xml' });
    return void res.end(`<InitiateMultipartUploadResult><UploadId>${HOSTILE_UPLOAD_ID}</UploadId></InitiateMultipartUploadResult>`);
  }
  if (req.method === 'PUT') return void res.writeHead(200, { etag: `"${md5}"` }).end();
  if (req.method === 'POST') {
    res.writeHead(200, { 'content-type': 'application/xml' });
    return void res.end('<CompleteMultipartUploadResult><ETag>"x-1"</ETag></CompleteMultipartUploadResult>');
  }
  if (req.method === 'GET') {
    return void res.writeHead(200, { 'content-length': String(object.length), etag: '"object-1"' }).end(object);
  }
  res.writeHead(204).end();
}

/** Writes `total` bytes of 'x' in 64 KiB pieces as the client takes them; stops when it hangs up. */
function streamHuge(res: ServerResponse, total: number, onWritten: (n: number) => void): void {
  const piece = Buffer.alloc(64 << 10, 'x');
  let left = total;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const n = Math.min(piece.length, left);
      left -= n;
      onWritten(n);
      if (!res.write(n === piece.length ? piece : piece.subarray(0, n))) return void res.once('drain', pump);
    }
    if (left === 0) res.end();
  };
  res.once('close', () => (left = 0));
  pump();
}

/** Details for a multipart upload of `size` bytes in `parts` parts against this server. */
export function hostileParts(origin: string, size: number, parts: number) {
  const partSize = Math.ceil(size / parts);
  return {
    type: 's3',
    upload_id: HOSTILE_UPLOAD_ID,
    parts: Array.from({ length: parts }, (_, i) => {
      const start = i * partSize;
      const end = Math.min(size, start + partSize) - 1;
      return {
        part_number: i + 1,
        url: `${origin}/bucket/m.fnnx?partNumber=${i + 1}&uploadId=${HOSTILE_UPLOAD_ID}&X-Amz-Signature=secret`,
        start_byte: start,
        end_byte: end,
        part_size: end - start + 1,
      };
    }),
    complete_url: `${origin}/bucket/m.fnnx?uploadId=${HOSTILE_UPLOAD_ID}&X-Amz-Signature=secret`,
  };
}
