import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AbortError, ArtifactError, FnnxError, SourceError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS, redact, SpeedCheck, type RequestOptions } from '../source/http-request.js';
import type { ByteRange, StorageRequest } from '../upload/upload-body.js';
import { ioError } from './io-error.js';
import { abortWith, responseOf } from './http-fetch.js';

/**
 * Reads of a part's range: small enough that four parts in flight hold a few MiB, large enough
 * that the per-chunk cost stays small; three buffers per part keep the socket fed while one is read.
 */
const PART_READ_CHUNK = 256 << 10;
const PART_BUFFERS = 3;

/**
 * How long a reply's body may take once its headers came. S3 answers CompleteMultipartUpload with
 * its headers at once and then may hold the body, sending spaces, for minutes while it assembles
 * the object; the rate check cannot apply there, so this bounds it instead.
 */
export const REPLY_BODY_DEADLINE_MS = 15 * 60_000;

/** The waits a storage request has: silence (retried), a rate until the reply's headers, the caller's signal. */
export interface SendLimits extends Pick<RequestOptions, 'speedLimit' | 'speedTimeMs'> {
  /** Nothing sent or received for this long: TIMEOUT (default 30 s). */
  timeoutMs?: number;
}

/**
 * One storage request over node:http(s): a byte range of `path` streamed as the body (read as the
 * socket drains: backpressure, never the whole part in memory) or a small text body. Resolves
 * with the reply once its headers came, its body a stream the caller reads (a bounded amount).
 * Silence becomes the retriable TIMEOUT, too few bytes moved (body sent, or headers awaited)
 * TOO_SLOW, a network failure NETWORK_ERROR, a status HTTP does not define HTTP_STATUS.
 */
export async function sendStorageRequest(
  path: string,
  request: StorageRequest,
  signal?: AbortSignal,
  limits: SendLimits = {},
): Promise<Response> {
  if (signal?.aborted) throw new AbortError();
  const url = new URL(request.url);
  const label = `${request.method} ${redact(request.url)}`;
  const body = request.body;
  const length = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.end - body.start;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = send(url, { method: request.method, headers: { ...request.headers, 'content-length': String(length) } });
  // Not node:http's `signal` option: the upload's signal outlives many keep-alive requests (abortWith).
  abortWith(req, signal);
  const timeoutMs = limits.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  req.setTimeout(timeoutMs, () => req.destroy(new SourceError('TIMEOUT', `${label}: nothing sent or received for ${timeoutMs} ms`)));
  // From the first byte to the reply's headers: a server that takes the body slowly, or takes it
  // and never answers (or answers 1xx and then nothing), ends within --speed-time.
  const speed = new SpeedCheck(limits, () => req.destroy(speed.error(label, undefined, 'were sent or arrived')));
  speed.start();
  const reply = replyOf(req, label, signal);
  reply.then(
    () => speed.stop(),
    () => speed.stop(),
  );
  try {
    if (typeof body === 'object') await writeRange(req, path, body, request, reply, speed);
    else req.end(body);
  } catch (e) {
    speed.stop();
    req.destroy();
    throw e;
  }
  return reply;
}

async function writeRange(
  req: ClientRequest,
  path: string,
  range: ByteRange,
  request: StorageRequest,
  reply: Promise<Response>,
  speed: SpeedCheck,
): Promise<void> {
  const hash: Hash | undefined = request.expectSha256 ? createHash('sha256') : undefined;
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
      flushed[slot] = new Promise((resolve) =>
        req.write(chunk, () => {
          speed.add(bytesRead);
          resolve();
        }),
      );
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
    // `on`, not `once`: a request destroyed again after its reply must not throw an unheard error.
    req.on('error', (e) => {
      if (signal?.aborted) reject(new AbortError());
      else if (e instanceof FnnxError) reject(e);
      else reject(new SourceError('NETWORK_ERROR', `${label}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, { cause: e }));
    });
    req.once('response', (res: IncomingMessage) => {
      try {
        resolve(responseOf(res, label));
      } catch (e) {
        reject(e);
        return;
      }
      const deadline = setTimeout(
        () => res.destroy(new SourceError('TIMEOUT', `${label}: the reply's body took more than ${REPLY_BODY_DEADLINE_MS / 60_000} min`)),
        REPLY_BODY_DEADLINE_MS,
      );
      res.once('close', () => clearTimeout(deadline));
    });
  });
}
