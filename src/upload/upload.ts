import { expectedOf, type TransferDescriptor } from '../describe/expected.js';
import { ArtifactError, SourceError, UsageError } from '../errors.js';
import { boundedText, redact, statusError } from '../source/http-request.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../source/retry.js';
import { detailsSize, parseUploadDetails, type PartTarget, type UploadDetails } from './details.js';
import { startFilePass, type FilePass } from './file-pass.js';
import {
  azureBlockId,
  blockListXml,
  completeMultipartXml,
  contentMd5,
  etagMd5,
  parseUploadId,
  withBlockId,
  xmlError,
} from './storage-xml.js';
import type { StorageRequest, UploadBody } from './upload-body.js';
import { detailsIdentity, resumableParts, type FinishedPart, type UploadState } from './upload-state.js';

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
  /**
   * What an earlier, interrupted run reported through `onState`: its finished parts are not sent
   * again, each once proven to hold the file's bytes now (its MD5).
   */
  state?: UploadState;
  /** Called after each finished part with the state to keep for a resume. */
  onState?: (state: UploadState) => void | Promise<void>;
  /** Why a given state, or a part of it, was not used (other details, or the file's bytes differ). */
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

/** What initiateMultipartUpload takes on both platforms; each adds its own transport's options. */
export interface InitiateMultipartOptions {
  signal?: AbortSignal;
  retry?: RetryPolicy;
}

/** POSTs an S3 "?uploads" URL and returns the UploadId its reply carries. */
export async function initiateMultipart(
  send: (request: StorageRequest, signal?: AbortSignal) => Promise<Response>,
  url: string,
  options: InitiateMultipartOptions = {},
): Promise<string> {
  const label = redact(url);
  return withRetry(
    async () => parseUploadId(await okText(await send({ method: 'POST', url }, options.signal), label), label),
    options.retry ?? DEFAULT_RETRY,
    options.signal,
  );
}

/** The SHA-256 of what was sent (or, for a single PUT, is about to be), from the one read of the file. */
function filePass(body: UploadBody, ranges: readonly PartTarget[], signal: AbortSignal | undefined): FilePass {
  return startFilePass(body.label, body.chunks(signal), body.hasher, ranges);
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
  const hashing = filePass(body, [], options.signal).sha256;
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
        // A part's reply says all in its status and headers: its body is not read.
        checkOk(res, `${label} to ${redact(request.url)}`);
        res.body?.cancel().catch(() => undefined);
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

/** A 2xx reply passes; else the status error the retry policy classifies (the body is dropped unread). */
function checkOk(res: Response, label: string): void {
  if (res.ok) return;
  res.body?.cancel().catch(() => undefined);
  throw statusError(res, label);
}

/**
 * A 2xx reply's XML document, read up to a small bound: a store's answer (an upload id, a
 * completion result or an error) is a few hundred bytes, so one larger than the bound is not
 * one, and the rest is never read.
 */
async function okText(res: Response, label: string): Promise<string> {
  checkOk(res, label);
  const { text, complete } = await boundedText(res, label);
  if (!complete) throw new SourceError('UPLOAD_PROTOCOL', `${label}: the reply is larger than a storage answer can be; it was not read`);
  return text;
}

/**
 * S3 multipart parts or Azure blocks: parts in parallel, the file's one in-order read alongside
 * (its SHA-256 and each part's MD5), completed last. Every part in the completion is proven to
 * hold the bytes that read hashed: a part sent now by its store's ETag (S3 computes it from what
 * it received) or by Content-MD5 (Azure checks it on receipt), a resumed part by the MD5 its ETag
 * or block id names. So the SHA-256 compared with the descriptor's is that of what the store holds.
 */
class PartedUpload {
  private readonly finished = new Map<number, FinishedPart>();
  private readonly identity: string;
  private readonly s3: boolean;
  private pass!: FilePass;
  private sent = 0;
  private partsSent = 0;
  private partsResumed = 0;
  private warnedUnproven = false;
  private stateWrites: Promise<void> = Promise.resolve();

  constructor(
    private readonly body: UploadBody,
    private readonly details: Extract<UploadDetails, { shape: 's3-parts' | 'azure-blocks' }>,
    private readonly want: string | undefined,
    private readonly options: UploadOptions,
  ) {
    this.identity = detailsIdentity(details);
    this.s3 = details.shape === 's3-parts';
  }

  async run(verified: UploadResult['verified']): Promise<UploadResult> {
    const earlier = this.earlierParts();
    this.progress();
    // The hash is one sequential read beside the parts: parts may finish in any order, and
    // SHA-256 can only take the bytes in order. Each part's MD5 is ready once the read passed it.
    const hashStop = new AbortController();
    const signal = AbortSignal.any([hashStop.signal, ...(this.options.signal ? [this.options.signal] : [])]);
    this.pass = filePass(this.body, this.details.parts, signal);
    this.pass.sha256.catch(() => undefined);
    try {
      await this.sendAll(earlier);
    } catch (e) {
      // A failed upload needs no hash: stop reading the file.
      hashStop.abort();
      throw e;
    } finally {
      // Even when interrupted, the parts that finished are on record before this returns.
      await this.stateWrites.catch(() => undefined);
    }
    await this.stateWrites;
    const sha256 = await this.pass.sha256;
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
      partsSent: this.partsSent,
      partsResumed: this.partsResumed,
      verified,
    };
  }

  /** The parts an earlier run recorded for these details, still to be proven against the file. */
  private earlierParts(): Map<number, FinishedPart> {
    const state = this.options.state;
    if (!state) return new Map();
    const parts = resumableParts(state, this.identity, this.body.size);
    if (typeof parts === 'string') {
      this.options.onWarning?.(`not resuming the earlier upload state: ${parts}; sending every part`);
      return new Map();
    }
    return parts;
  }

  private async sendAll(earlier: Map<number, FinishedPart>): Promise<void> {
    const queue = this.details.parts.map((part, index) => ({ part, index }));
    const controller = new AbortController();
    const stop = () => controller.abort();
    this.options.signal?.addEventListener('abort', stop, { once: true });
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        if (controller.signal.aborted) return;
        const prior = earlier.get(job.part.partNumber);
        if (prior && (await this.proven(job.part, job.index, prior))) continue;
        await this.sendPart(job.part, job.index, controller.signal);
      }
    };
    const count = Math.max(1, Math.min(this.options.concurrency ?? DEFAULT_CONCURRENCY, queue.length));
    const workers = Array.from({ length: count }, worker);
    try {
      // The first failure stops the others (their finished parts stay recorded for a resume).
      await Promise.all(workers.map((w) => w.catch((e: unknown) => (stop(), Promise.reject(e)))));
    } finally {
      this.options.signal?.removeEventListener('abort', stop);
      await Promise.allSettled(workers);
    }
  }

  /**
   * Whether a part an earlier run sent holds the file's bytes now: its range is the same and the
   * MD5 its S3 ETag or Azure block id names is the MD5 of the local bytes. A store holds what an
   * ETag or block id names (S3 refuses to complete with an ETag it does not hold; a block id
   * names its content), so a state file cannot vouch for bytes it only claims.
   */
  private async proven(part: PartTarget, index: number, prior: FinishedPart): Promise<boolean> {
    if (prior.start !== part.start || prior.end !== part.end) return false;
    const md5 = await this.pass.md5(index);
    const same = this.s3 ? etagMd5(prior.etag) === md5 : prior.etag === azureBlockId(index, md5);
    if (!same) {
      if (!this.warnedUnproven) {
        this.options.onWarning?.(
          `part ${part.partNumber} and any others like it are sent again: the file's bytes there differ from what the earlier run sent (or its record proves nothing)`,
        );
      }
      this.warnedUnproven = true;
      return false;
    }
    this.finished.set(part.partNumber, prior);
    this.partsResumed++;
    this.sent += part.end - part.start;
    this.progress();
    return true;
  }

  private async sendPart(part: PartTarget, index: number, signal: AbortSignal): Promise<void> {
    const block = this.s3 ? undefined : await this.azureBlock(part, index);
    const headers = await sendRange(
      this.body,
      part,
      { method: 'PUT', url: block?.url ?? part.url, headers: block?.headers },
      { ...this.options, signal },
      (n) => {
        this.sent += n;
        this.progress();
      },
    );
    const etag = block ? block.id : await this.checkedEtag(part, index, headers.get('etag'));
    this.finished.set(part.partNumber, { partNumber: part.partNumber, start: part.start, end: part.end, etag });
    this.partsSent++;
    this.saveState();
  }

  /** An Azure block's URL and headers: an id made from the block's MD5, which the store checks as Content-MD5. */
  private async azureBlock(part: PartTarget, index: number): Promise<{ url: string; headers: Record<string, string>; id: string }> {
    const md5 = await this.pass.md5(index);
    const id = azureBlockId(index, md5);
    const url = withBlockId(part.url, id);
    if (url === undefined) {
      throw new UsageError('UPLOAD_DETAILS_INVALID', `upload details: part ${part.partNumber}'s URL names no blockid`, {
        hint: "pass the JSON the registry answered: each Azure part's URL carries comp=block&blockid=…",
      });
    }
    return { url, headers: { 'content-md5': contentMd5(md5) }, id };
  }

  /**
   * S3 names a part (without SSE-KMS) by the MD5 of the bytes it received: an ETag of that shape
   * that is not the MD5 the file's read computed means the bytes, or the reply, changed on the
   * way (or the file changed between the two reads). Other shapes (KMS, other stores) are taken
   * as they are; the file's size and mtime are checked before completing.
   */
  private async checkedEtag(part: PartTarget, index: number, etag: string | null): Promise<string> {
    if (!etag) {
      throw new SourceError(
        'UPLOAD_NO_ETAG',
        `part ${part.partNumber}: the store's reply carries no ETag, so the part cannot be completed`,
        {
          hint: "in a browser, the bucket's CORS rules must expose the ETag header (ExposeHeaders: ETag)",
        },
      );
    }
    const named = etagMd5(etag);
    const md5 = await this.pass.md5(index);
    if (named !== undefined && named !== md5) {
      throw new SourceError(
        'UPLOAD_ETAG_MISMATCH',
        `part ${part.partNumber}: the store's ETag ${etag} is not the MD5 of the file's bytes there (${md5}); the part was not recorded`,
        {
          member: this.body.label,
          hint: 'something between here and the store altered the part or its reply; run the upload again to resend it',
        },
      );
    }
    return etag;
  }

  private saveState(): void {
    const onState = this.options.onState;
    if (!onState) return;
    const state: UploadState = {
      version: 1,
      details: this.identity,
      size: this.body.size,
      parts: [...this.finished.values()].sort((a, b) => a.partNumber - b.partNumber),
    };
    // In order, one at a time: a later state never lands before an earlier one.
    this.stateWrites = this.stateWrites.then(() => onState(state));
  }

  private async complete(): Promise<void> {
    const parts = this.details.parts.map((p) => this.finished.get(p.partNumber)!);
    const request: StorageRequest = this.s3
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
          error.code === 'InvalidPart' || error.code === 'InvalidBlockList'
            ? 'a part the earlier run recorded is not what the store holds: delete the .upload.json state and run again'
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
