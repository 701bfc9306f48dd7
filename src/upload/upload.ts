import { expectedOf, type TransferDescriptor } from '../describe/expected.js';
import { ArtifactError, SourceError, UsageError } from '../errors.js';
import { redact, statusError } from '../source/http-request.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../source/retry.js';
import { detailsSize, parseUploadDetails, type PartTarget, type UploadDetails } from './details.js';
import { azureBlockId, blockListXml, completeMultipartXml, parseUploadId, xmlError } from './storage-xml.js';
import type { StorageRequest, UploadBody } from './upload-body.js';
import { detailsIdentity, staleReason, type FinishedPart, type UploadState } from './upload-state.js';

export interface UploadProgress {
  /** Bytes of the file the store holds or is receiving (parts an earlier run sent count). */
  sent: number;
  total: number;
}

/** What an upload can be checked against: the descriptor `describe` made, or its two fields. */
export interface UploadExpectation {
  descriptor?: TransferDescriptor;
  sha256?: string;
  size?: number;
}

export interface UploadOptions extends UploadExpectation {
  /** Parts in flight at once (default 4). */
  concurrency?: number;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  /** What an earlier, interrupted run reported through `onState`: its finished parts are not sent again. */
  state?: UploadState;
  /** Called after each finished part with the state to keep for a resume. */
  onState?: (state: UploadState) => void | Promise<void>;
  /** Why a given state was not used (it belongs to other details, or the file changed). */
  onWarning?: (message: string) => void;
  retry?: RetryPolicy;
}

export interface UploadResult {
  shape: UploadDetails['shape'];
  size: number;
  sha256: string;
  /** Parts sent by this run, and parts an earlier run had sent (0 for a single PUT). */
  partsSent: number;
  partsResumed: number;
  /** Which expectations were checked before the upload was completed. */
  verified: Array<'size' | 'sha256'>;
}

export const DEFAULT_CONCURRENCY = 4;

/** POSTs an S3 "?uploads" URL and returns the UploadId its reply carries. */
export async function initiateMultipart(
  send: (request: StorageRequest, signal?: AbortSignal) => Promise<Response>,
  url: string,
  options: { signal?: AbortSignal; retry?: RetryPolicy } = {},
): Promise<string> {
  const label = redact(url);
  return withRetry(
    async () => parseUploadId(await okText(await send({ method: 'POST', url }, options.signal), label), label),
    options.retry ?? DEFAULT_RETRY,
    options.signal,
  );
}

/**
 * Sends a file to the registry's storage by its upload details: one PUT, S3 multipart parts, or
 * Azure blocks. Checks that can fail before a byte is sent run first; the upload is only
 * completed (S3 CompleteMultipartUpload, Azure block list) once the file's SHA-256 matched.
 */
export async function upload(body: UploadBody, detailsDoc: unknown, options: UploadOptions = {}): Promise<UploadResult> {
  const details = parseUploadDetails(detailsDoc);
  const want = expectedOf(options);
  checkSizes(body, details, want.size);
  if (details.shape === 's3-initiate') {
    throw new UsageError('UPLOAD_NOT_INITIATED', 'these are the details of a multipart upload not started yet', {
      hint: 'run `fnnx-kit upload --initiate <url>` for the upload id, ask the registry for the part URLs, and pass those details',
    });
  }
  const verified: UploadResult['verified'] = want.size === undefined ? [] : ['size'];
  if (details.shape === 'single') {
    const sha256 = await sendSingle(body, details.url, details.type, want.sha256, options);
    if (want.sha256) verified.push('sha256');
    return { shape: details.shape, size: body.size, sha256, partsSent: 1, partsResumed: 0, verified };
  }
  return new PartedUpload(body, details, want.sha256, options).run(verified);
}

/** Before the first byte: the file must be as big as the registry was told and the parts say. */
function checkSizes(body: UploadBody, details: UploadDetails, size: number | undefined): void {
  if (size !== undefined && body.size !== size) {
    throw new ArtifactError('SIZE_MISMATCH', `the file is ${body.size} bytes, the registry was told ${size}; nothing was sent`, {
      member: body.label,
      hint: 'the file changed since `describe`: describe it again and create a new upload',
    });
  }
  const partsEnd = detailsSize(details);
  if (partsEnd !== undefined && partsEnd !== body.size) {
    throw new ArtifactError('SIZE_MISMATCH', `the file is ${body.size} bytes, the upload's parts cover ${partsEnd}; nothing was sent`, {
      member: body.label,
    });
  }
}

function hashMismatch(body: UploadBody, got: string, want: string, what: string): ArtifactError {
  return new ArtifactError('HASH_MISMATCH', `SHA-256 is ${got}, the registry was told ${want}; ${what}`, {
    member: body.label,
    hint: 'the file changed since `describe`: describe it again and create a new upload',
  });
}

async function sendSingle(
  body: UploadBody,
  url: string,
  type: 's3' | 'azure',
  want: string | undefined,
  options: UploadOptions,
): Promise<string> {
  // A single PUT is complete once its last byte lands, so a wrong file must be caught before
  // that: hashed first (a store may keep even a body cut short), then, where the body can, hashed
  // again while sent with its last bytes withheld if the file changed in between.
  const hashing = body.sha256(options.signal);
  hashing.catch(() => undefined);
  const sha256 = want === undefined ? undefined : await hashing;
  if (sha256 !== undefined && sha256 !== want) throw hashMismatch(body, sha256, want!, 'nothing was sent');
  const headers: Record<string, string> = type === 'azure' ? { 'x-ms-blob-type': 'BlockBlob' } : {};
  let sent = 0;
  await sendRange(body, { start: 0, end: body.size }, { method: 'PUT', url, headers, expectSha256: want }, options, (n) => {
    sent += n;
    options.onProgress?.({ sent, total: body.size });
  });
  // Too late to hold the object back, but the reported hash must not describe other bytes.
  await body.checkUnchanged();
  return sha256 ?? (await hashing);
}

/** Sends one range under the retry policy; returns the reply's headers. Progress is rolled back on a failed attempt. */
async function sendRange(
  body: UploadBody,
  range: { start: number; end: number },
  request: Omit<StorageRequest, 'body' | 'onBytes'>,
  options: UploadOptions,
  onBytes: (n: number) => void,
): Promise<Headers> {
  const label = `${body.label} bytes ${range.start}-${range.end - 1}`;
  return withRetry(
    async () => {
      let sent = 0;
      try {
        const res = await body.send({ ...request, body: range, onBytes: (n) => ((sent += n), onBytes(n)) }, options.signal);
        await okText(res, `${label} to ${redact(request.url)}`);
        return res.headers;
      } catch (e) {
        onBytes(-sent);
        throw e;
      }
    },
    options.retry ?? DEFAULT_RETRY,
    options.signal,
  );
}

/** The reply's text when its status is 2xx; else the status error the retry policy classifies. */
async function okText(res: Response, label: string): Promise<string> {
  if (!res.ok) {
    res.body?.cancel().catch(() => undefined);
    throw statusError(res, label);
  }
  return res.text();
}

/** S3 multipart parts or Azure blocks: parts in parallel, the hash alongside, completed last. */
class PartedUpload {
  private readonly finished = new Map<number, FinishedPart>();
  private readonly identity: string;
  private sent = 0;
  private resumed = 0;
  private stateWrites: Promise<void> = Promise.resolve();

  constructor(
    private readonly body: UploadBody,
    private readonly details: Extract<UploadDetails, { shape: 's3-parts' | 'azure-blocks' }>,
    private readonly want: string | undefined,
    private readonly options: UploadOptions,
  ) {
    this.identity = detailsIdentity(details);
  }

  async run(verified: UploadResult['verified']): Promise<UploadResult> {
    this.adoptState();
    const missing = this.details.parts.filter((p) => !this.finished.has(p.partNumber));
    this.sent = this.resumed;
    this.progress();
    // The hash is one sequential read beside the parts (which never wait for it): parts may
    // finish in any order, and SHA-256 can only take the bytes in order.
    const hashStop = new AbortController();
    const hashing = this.body.sha256(AbortSignal.any([hashStop.signal, ...(this.options.signal ? [this.options.signal] : [])]));
    hashing.catch(() => undefined);
    try {
      await this.sendAll(missing);
    } catch (e) {
      // A failed upload needs no hash: stop reading the file.
      hashStop.abort();
      throw e;
    } finally {
      // Even when interrupted, the parts that finished are on record before this returns.
      await this.stateWrites.catch(() => undefined);
    }
    await this.stateWrites;
    const sha256 = await hashing;
    await this.body.checkUnchanged();
    if (this.want !== undefined && sha256 !== this.want) {
      await this.abandon();
      throw hashMismatch(this.body, sha256, this.want, 'the upload was not completed');
    }
    await this.complete();
    if (this.want !== undefined) verified.push('sha256');
    return {
      shape: this.details.shape,
      size: this.body.size,
      sha256,
      partsSent: missing.length,
      partsResumed: this.details.parts.length - missing.length,
      verified,
    };
  }

  private adoptState(): void {
    const state = this.options.state;
    if (!state) return;
    const why = staleReason(state, this.identity, this.body.size, this.body.mtimeMs);
    if (why) {
      this.options.onWarning?.(`not resuming the earlier upload state: ${why}; sending every part`);
      return;
    }
    const byNumber = new Map(this.details.parts.map((p) => [p.partNumber, p]));
    for (const p of state.parts) {
      const target = byNumber.get(p.partNumber);
      if (target && target.start === p.start && target.end === p.end && typeof p.etag === 'string') {
        this.finished.set(p.partNumber, p);
        this.resumed += p.end - p.start;
      }
    }
  }

  private async sendAll(parts: PartTarget[]): Promise<void> {
    const queue = parts.slice();
    const controller = new AbortController();
    const stop = () => controller.abort();
    this.options.signal?.addEventListener('abort', stop, { once: true });
    const worker = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        if (controller.signal.aborted) return;
        await this.sendPart(p, controller.signal);
      }
    };
    const workers = Array.from({ length: Math.max(1, Math.min(this.options.concurrency ?? DEFAULT_CONCURRENCY, parts.length)) }, worker);
    try {
      // The first failure stops the others (their finished parts stay recorded for a resume).
      await Promise.all(workers.map((w) => w.catch((e: unknown) => (stop(), Promise.reject(e)))));
    } finally {
      this.options.signal?.removeEventListener('abort', stop);
      await Promise.allSettled(workers);
    }
  }

  private async sendPart(part: PartTarget, signal: AbortSignal): Promise<void> {
    const s3 = this.details.shape === 's3-parts';
    const headers = await sendRange(this.body, part, { method: 'PUT', url: part.url, checkEtag: s3 }, { ...this.options, signal }, (n) => {
      this.sent += n;
      this.progress();
    });
    let etag = azureBlockId(part.partNumber);
    if (s3) {
      const got = headers.get('etag');
      if (!got) {
        throw new SourceError(
          'UPLOAD_NO_ETAG',
          `part ${part.partNumber}: the store's reply carries no ETag, so the part cannot be completed`,
          {
            hint: "in a browser, the bucket's CORS rules must expose the ETag header (ExposeHeaders: ETag)",
          },
        );
      }
      etag = got;
    }
    this.finished.set(part.partNumber, { partNumber: part.partNumber, start: part.start, end: part.end, etag });
    this.saveState();
  }

  private saveState(): void {
    const onState = this.options.onState;
    if (!onState) return;
    const state: UploadState = {
      version: 1,
      details: this.identity,
      size: this.body.size,
      mtimeMs: this.body.mtimeMs,
      parts: [...this.finished.values()].sort((a, b) => a.partNumber - b.partNumber),
    };
    // In order, one at a time: a later state never lands before an earlier one.
    this.stateWrites = this.stateWrites.then(() => onState(state));
  }

  private async complete(): Promise<void> {
    const parts = this.details.parts.map((p) => this.finished.get(p.partNumber)!);
    const s3 = this.details.shape === 's3-parts';
    const request: StorageRequest = s3
      ? { method: 'POST', url: this.details.completeUrl, headers: { 'content-type': 'application/xml' }, body: completeMultipartXml(parts) }
      : {
          method: 'PUT',
          url: this.details.completeUrl,
          headers: { 'content-type': 'application/xml' },
          body: blockListXml(parts.map((p) => p.etag)),
        };
    const label = `completing the upload at ${redact(this.details.completeUrl)}`;
    const text = await withRetry(
      async () => okText(await this.body.send(request, this.options.signal), label),
      this.options.retry ?? DEFAULT_RETRY,
      this.options.signal,
    );
    const error = xmlError(text);
    if (error) {
      throw new SourceError('UPLOAD_COMPLETE_FAILED', `${label}: the store answered ${error.code}: ${error.message}`, {
        hint:
          error.code === 'InvalidPart'
            ? "a part's ETag does not match what the store holds: delete the .upload.json state and run again"
            : undefined,
      });
    }
  }

  /** After a wrong hash: S3 uploads are aborted when the details say how; Azure blocks expire uncommitted. */
  private async abandon(): Promise<void> {
    if (this.details.shape !== 's3-parts' || !this.details.abortUrl) return;
    const res = await this.body.send({ method: 'DELETE', url: this.details.abortUrl }).catch((e: unknown) => e);
    if (res instanceof Response) await res.body?.cancel();
  }

  private progress(): void {
    this.options.onProgress?.({ sent: this.sent, total: this.body.size });
  }
}
