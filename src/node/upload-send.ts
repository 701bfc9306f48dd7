import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AbortError, ArtifactError, SourceError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS, redact } from '../source/http-request.js';
import type { ByteRange, StorageRequest } from '../upload/upload-body.js';
import { ioError } from './file-source.js';

/**
 * Reads of a part's range: small enough that four parts in flight hold a few MiB, large enough
 * that the per-chunk cost stays small; three buffers per part keep the socket fed while one is read.
 */
const PART_READ_CHUNK = 256 << 10;
const PART_BUFFERS = 3;

/**
 * One storage request over node:http(s): a byte range of `path` streamed as the body (read as the
 * socket drains: backpressure, never the whole part in memory) or a small text body. Resolves
 * with the reply (its small XML body read); network failures and stalls become the retriable
 * NETWORK_ERROR / TIMEOUT the retry policy knows.
 */
export async function sendStorageRequest(
  path: string,
  request: StorageRequest,
  signal?: AbortSignal,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Response> {
  if (signal?.aborted) throw new AbortError();
  const url = new URL(request.url);
  const label = `${request.method} ${redact(request.url)}`;
  const body = request.body;
  const length = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.end - body.start;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = send(url, { method: request.method, headers: { ...request.headers, 'content-length': String(length) }, signal });
  req.setTimeout(timeoutMs, () => req.destroy(new SourceError('TIMEOUT', `${label}: nothing sent or received for ${timeoutMs} ms`)));
  const reply = replyOf(req, label, signal);
  reply.catch(() => undefined);
  const md5 = request.checkEtag ? createHash('md5') : undefined;
  try {
    if (typeof body === 'object') await writeRange(req, path, body, request, reply, md5);
    else req.end(body);
  } catch (e) {
    req.destroy();
    throw e;
  }
  const res = await reply;
  if (md5 && res.ok) checkEtag(res.headers.get('etag'), md5.digest('hex'), label);
  return res;
}

/**
 * S3 names a part (without SSE-KMS) by the MD5 of its bytes: an ETag of that shape that is not
 * the MD5 of what was sent means the bytes, or the reply, were changed on the way. Other shapes
 * (KMS, other stores) are taken as they are.
 */
function checkEtag(etag: string | null, md5: string, label: string): void {
  const m = etag?.match(/^"?([0-9a-fA-F]{32})"?$/);
  if (m && m[1]!.toLowerCase() !== md5) {
    throw new SourceError(
      'UPLOAD_ETAG_MISMATCH',
      `${label}: the store's ETag ${etag} is not the MD5 of the bytes sent (${md5}); the part was not recorded`,
      {
        hint: 'something between here and the store altered the part or its reply; run the upload again to resend it',
      },
    );
  }
}

async function writeRange(
  req: ClientRequest,
  path: string,
  range: ByteRange,
  request: StorageRequest,
  reply: Promise<Response>,
  md5: Hash | undefined,
): Promise<void> {
  const hash = request.expectSha256 ? createHash('sha256') : undefined;
  // Settles when the server answered or the request failed: a writer waiting on it stops.
  let replied = false;
  const settled = reply.then(
    () => void (replied = true),
    () => void (replied = true),
  );
  const handle = await open(path, 'r').catch((e: unknown) => {
    throw ioError(e, path);
  });
  // A few recycled buffers, each reused only once the socket took its bytes: memory is bounded
  // by these, not the part size, and no garbage is made per chunk.
  const ring = Array.from({ length: PART_BUFFERS }, () => Buffer.allocUnsafe(Math.min(PART_READ_CHUNK, range.end - range.start)));
  const flushed: Array<Promise<void> | undefined> = ring.map(() => undefined);
  let at = range.start;
  try {
    for (let slot = 0; at < range.end; slot = (slot + 1) % ring.length) {
      await Promise.race([flushed[slot], settled]);
      // A server that already answered (an early 403, a dropped connection) reads no more.
      if (replied || req.destroyed) return;
      const { bytesRead } = await handle.read(ring[slot]!, 0, Math.min(PART_READ_CHUNK, range.end - at), at);
      if (bytesRead === 0) break;
      const chunk = ring[slot]!.subarray(0, bytesRead);
      at += bytesRead;
      md5?.update(chunk);
      if (hash) {
        hash.update(chunk);
        if (at === range.end && hash.digest('hex') !== request.expectSha256) {
          // The last bytes are withheld: the store never gets a complete object to keep.
          throw new ArtifactError(
            'HASH_MISMATCH',
            `${path}: SHA-256 differs from the one the registry was told; the upload was cut short before its last bytes`,
            {
              hint: 'the file changed since `describe`: describe it again and create a new upload',
            },
          );
        }
      }
      flushed[slot] = new Promise((resolve) => req.write(chunk, () => resolve()));
      request.onBytes?.(bytesRead);
    }
  } finally {
    await handle.close();
  }
  if (at !== range.end) {
    throw new ArtifactError(
      'SOURCE_CHANGED',
      `${path}: ended at byte ${at} while sending bytes up to ${range.end}: the file changed during the upload`,
    );
  }
  req.end();
}

function replyOf(req: ClientRequest, label: string, signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    req.once('error', (e) => {
      if (signal?.aborted) reject(new AbortError());
      else if (e instanceof SourceError) reject(e);
      else reject(new SourceError('NETWORK_ERROR', `${label}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, { cause: e }));
    });
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', (e) => reject(new SourceError('NETWORK_ERROR', `${label}: ${e.message}`, { cause: e })));
      res.once('end', () => {
        const status = res.statusCode ?? 0;
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        const text = [101, 204, 205, 304].includes(status) ? null : Buffer.concat(chunks).toString('utf8');
        resolve(new Response(text, { status, statusText: res.statusMessage ?? '', headers }));
      });
    });
  });
}
