import { createHash, type Hash } from 'node:crypto';
import { AbortError, FnnxError, SourceError } from '../errors.js';
import { identityOf, ifMatchHeader, sameObject, sourceChanged, type ObjectIdentity } from '../source/http-identity.js';
import { HttpExchange, parseContentRange, redact, statusError, type FetchFn } from '../source/http-request.js';
import { DEFAULT_RETRY, isRetriable, retryDelay, sleep, type RetryPolicy } from '../source/retry.js';
import { PartFile } from './download-part.js';
import { expectedOf, verifyPart, type Check, type DownloadDescriptor, type Expected } from './download-verify.js';
import { WriteLock } from './write-lock.js';
import { refuseSpecialOutput } from './output-file.js';
import { nodeFetch } from './http-fetch.js';

export interface DownloadProgress {
  /** Bytes of the object in the part so far (including what an earlier run left). */
  done: number;
  total: number | undefined;
  /** Bytes received over the network in this run. */
  transferred: number;
}

export interface DownloadOptions {
  sha256?: string;
  size?: number;
  descriptor?: DownloadDescriptor;
  onProgress?: (progress: DownloadProgress) => void;
  /** Told when a part left by an earlier run is not resumed but started over, and why. */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** Minimum body rate in bytes a second over each speedTimeMs window (see RequestOptions). */
  speedLimit?: number;
  speedTimeMs?: number;
  fetch?: FetchFn;
  /** @deprecated Ignored: a download no longer runs garbage collections of its own (it needed V8's --expose-gc). */
  collectGarbageEvery?: number;
}

export interface DownloadResult {
  file: string;
  size: number;
  sha256: string;
  /** Bytes received over the network in this run. */
  transferred: number;
  requests: number;
  /** Where this run started: the size of a part an earlier run left (0 for a fresh start). */
  resumedFrom: number;
  /** The part was dropped and the transfer began again (the object changed, or no resume was possible). */
  restarted: boolean;
  verified: Check[];
}

/** Body bytes gathered before one positional write: few syscalls, bounded memory. */
const WRITE_BATCH = 1 << 20;

/**
 * Gathers body chunks into batches and writes each batch while the next one fills, so the disk
 * and the network overlap; at most one write in flight and one batch held (about 2 MiB).
 */
class BatchedWriter {
  private batch: Uint8Array[] = [];
  private batched = 0;
  private inFlight: Promise<void> = Promise.resolve();
  /** Offset just past the last byte pushed. */
  end: number;

  constructor(
    private readonly part: PartFile,
    private written: number,
    private readonly onWritten: (written: number) => void,
  ) {
    this.end = written;
  }

  async push(chunk: Uint8Array): Promise<void> {
    this.batch.push(chunk);
    this.batched += chunk.length;
    this.end += chunk.length;
    if (this.batched >= WRITE_BATCH) await this.startWrite();
  }

  /** Waits for every pushed byte to be on disk (also after a failure: what arrived is kept). */
  async drain(): Promise<void> {
    await this.startWrite();
    await this.inFlight;
  }

  private async startWrite(): Promise<void> {
    await this.inFlight;
    if (this.batched === 0) return;
    const [batch, at, length] = [this.batch, this.written, this.batched];
    this.batch = [];
    this.batched = 0;
    this.inFlight = this.part.write(batch, at).then(() => {
      this.written = at + length;
      this.onWritten(this.written);
    });
  }
}

/**
 * Downloads `url` to `file`: streams into `<file>.part`, hashing while writing; resumes from the
 * part's size with a Range request after a dropped connection (in this run or the next one, via
 * the `.part.json` sidecar); checks size, SHA-256 and file_index when given; and only then renames
 * the part to `file`. A failed check removes the part. An abort leaves a part to resume.
 */
export async function download(url: string, file: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const expected = expectedOf(options);
  // Before the lock: `-o /dev/null` must not even leave `/dev/null.lock` behind.
  await refuseSpecialOutput(file);
  // One download per output at a time: a second one fails with LOCKED, touching nothing.
  const lock = await WriteLock.acquire(file, { waitMs: 0 });
  try {
    return await downloadLocked(url, file, expected, options);
  } finally {
    await lock.release();
  }
}

async function downloadLocked(url: string, file: string, expected: Expected, options: DownloadOptions): Promise<DownloadResult> {
  const run = await Transfer.start(url, file, options);
  let got: { size: number; sha256: string };
  try {
    got = await run.fetchAll();
  } catch (e) {
    await run.part.close();
    throw e;
  }
  let verified: Check[];
  try {
    verified = await verifyPart(run.part.path, got, expected);
  } catch (e) {
    if (e instanceof FnnxError && e.kind === 'artifact') await run.part.discard();
    else await run.part.close();
    throw e;
  }
  try {
    await run.part.finish();
  } finally {
    await run.part.close();
  }
  await run.part.forgetIdentity();
  return { file, ...got, ...run.stats(), verified };
}

/** One run of a download: the loop of requests that fills the part. */
class Transfer {
  private hash: Hash = createHash('sha256');
  private pinned: ObjectIdentity | undefined;
  private written: number;
  private transferred = 0;
  private requests = 0;
  private restarted = false;
  private failures = 0;
  private readonly label: string;
  private readonly retry: RetryPolicy;
  private readonly fetchFn: FetchFn;

  private constructor(
    private readonly url: string,
    readonly part: PartFile,
    private readonly resumedFrom: number,
    pinned: ObjectIdentity | undefined,
    private readonly options: DownloadOptions,
  ) {
    this.label = redact(url);
    this.pinned = pinned;
    this.written = resumedFrom;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.fetchFn = options.fetch ?? nodeFetch;
  }

  static async start(url: string, file: string, options: DownloadOptions): Promise<Transfer> {
    const { part, sidecar, resumeFrom, startOver } = await PartFile.open(file, redact(url));
    if (startOver) options.onWarning?.(`${startOver}: starting the download over`);
    const run = new Transfer(url, part, resumeFrom, sidecar?.identity, options);
    try {
      await part.hashPrefix(run.hash, resumeFrom, options.signal);
    } catch (e) {
      await part.close();
      throw options.signal?.aborted ? new AbortError() : e;
    }
    return run;
  }

  stats() {
    return { transferred: this.transferred, requests: this.requests, resumedFrom: this.resumedFrom, restarted: this.restarted };
  }

  async fetchAll(): Promise<{ size: number; sha256: string }> {
    while (!this.pinned || this.written < this.pinned.size) {
      try {
        await this.fetchOnce();
      } catch (e) {
        if (this.options.signal?.aborted) throw this.interrupted();
        if (!isRetriable(e) || this.failures >= this.retry.retries) throw e;
        const delayMs = retryDelay(this.failures++, this.retry, e);
        this.retry.onRetry?.({ attempt: this.failures, delayMs, error: e });
        await sleep(delayMs, this.options.signal).catch(() => {
          throw this.interrupted();
        });
      }
    }
    return { size: this.written, sha256: this.hash.digest('hex') };
  }

  /** One request from where the part ends; writes what arrives, so a failure loses nothing. */
  private async fetchOnce(): Promise<void> {
    this.requests++;
    const headers = { Range: `bytes=${this.written}-`, ...ifMatchHeader(this.pinned) };
    const { exchange, response: res } = await HttpExchange.get(this.fetchFn, this.url, this.label, headers, this.options);
    const start = await this.acceptReply(exchange, res);
    if (start === undefined) return;
    const writer = new BatchedWriter(this.part, this.written, (written) => {
      this.written = written;
      this.failures = 0;
      this.options.onProgress?.({ done: written, total: this.pinned?.size, transferred: this.transferred });
    });
    try {
      for await (const chunk of exchange.chunks(res)) {
        if (writer.end + chunk.length > this.pinned!.size) {
          throw new SourceError('BAD_RANGE_REPLY', `${this.label}: the reply runs past the object's ${this.pinned!.size} bytes`);
        }
        this.hash.update(chunk);
        this.transferred += chunk.length;
        await writer.push(chunk);
      }
    } finally {
      // What did arrive is good: keep it, so the next request starts after it.
      await writer.drain();
    }
    if (this.written < this.pinned!.size) {
      throw new SourceError('SHORT_READ', `${this.label}: the reply ended at byte ${this.written} of ${this.pinned!.size}`);
    }
  }

  /**
   * Checks a reply and decides where its body goes: the start offset to write at, or undefined
   * when there is no body to take (the part was already whole, or the object changed).
   */
  private async acceptReply(exchange: HttpExchange, res: Response): Promise<number | undefined> {
    if (res.status === 412 || res.status === 416) {
      exchange.cancel(res);
      const total = parseContentRange(res.headers.get('content-range'))?.total;
      // 416 for `bytes=N-` with N the object's size: the part is already whole (an empty object, on a first request).
      if (res.status === 416 && total === this.written && (!this.pinned || total === this.pinned.size)) {
        if (!this.pinned) await this.pin(identityOf(res.headers, total));
        return undefined;
      }
      await this.restart(undefined);
      return undefined;
    }
    if (res.status !== 200 && res.status !== 206) {
      exchange.cancel(res);
      throw statusError(res, this.label);
    }
    const range = res.status === 206 ? parseContentRange(res.headers.get('content-range')) : undefined;
    const length = res.headers.get('content-length');
    const total = res.status === 206 ? range?.total : length === null ? undefined : Number(length);
    if (total === undefined || (res.status === 206 && range?.start !== this.written)) {
      exchange.cancel(res);
      throw new SourceError(
        'BAD_RANGE_REPLY',
        `${this.label}: asked for bytes=${this.written}-, server sent ${res.status} ${res.headers.get('content-range') ?? 'without a size'}`,
      );
    }
    const seen = identityOf(res.headers, total);
    if (this.pinned && !sameObject(this.pinned, seen)) {
      exchange.cancel(res);
      await this.restart(seen);
      return undefined;
    }
    // A 200 is the whole object from byte 0: the server cannot resume, so this body starts over.
    if (res.status === 200 && this.written > 0) await this.rewind();
    if (!this.pinned) await this.pin(seen);
    return this.written;
  }

  private async pin(seen: ObjectIdentity): Promise<void> {
    this.pinned = seen;
    await this.part.pin({ url: this.label, identity: seen });
  }

  /** The object is not the one the part holds: drop the part and fetch the new one, once per run. */
  private async restart(seen: ObjectIdentity | undefined): Promise<void> {
    if (this.restarted) {
      if (this.pinned) throw sourceChanged(this.label, this.pinned, seen);
      throw new SourceError('BAD_RANGE_REPLY', `${this.label}: the server refused the request (412/416) again after starting over`);
    }
    this.restarted = true;
    this.pinned = undefined;
    await this.part.forgetIdentity();
    await this.rewind();
  }

  private async rewind(): Promise<void> {
    await this.part.truncate(0);
    this.written = 0;
    this.hash = createHash('sha256');
  }

  private interrupted(): AbortError {
    const of = this.pinned ? ` of ${this.pinned.size}` : '';
    return new AbortError(`download interrupted after ${this.written}${of} bytes`, {
      hint: 'the bytes so far are kept in the .part file: run the same command again to resume',
    });
  }
}
