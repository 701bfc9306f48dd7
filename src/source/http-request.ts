import { AbortError, FnnxError, SourceError } from '../errors.js';
import { concatChunks } from './chunks.js';

/**
 * One HTTP GET and the reading of its reply, with the rules every remote read shares: only the
 * headers the caller names are sent (Range, If-Match: nothing that would break a presigned URL),
 * a stall timeout (no headers or no body bytes for `timeoutMs`), a minimum transfer rate (a
 * server trickling a byte a second never stalls, so it would otherwise hold us forever), the
 * caller's AbortSignal, and failures turned into typed errors the retry policy can classify.
 */

export type FetchFn = typeof globalThis.fetch;

export interface RequestOptions {
  signal?: AbortSignal;
  /** Give up when the server sends nothing (headers or body bytes) for this long. */
  timeoutMs?: number;
  /**
   * Give up (TOO_SLOW) when the body arrives at fewer than `speedLimit` bytes a second, averaged
   * over each `speedTimeMs` window: curl's --speed-limit / --speed-time. 0 turns the check off.
   */
  speedLimit?: number;
  speedTimeMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** 1 KiB/s over 10 s: any real link does far better; a trickling server fails within ~10 s. */
export const DEFAULT_SPEED_LIMIT = 1024;
export const DEFAULT_SPEED_TIME_MS = 10_000;

/** A reply status that is not what the read needed; carries what the retry policy looks at. */
export class HttpStatusError extends SourceError {
  constructor(
    readonly status: number,
    message: string,
    /** Milliseconds the server asked us to wait (Retry-After), if it said. */
    readonly retryAfterMs?: number,
    hint?: string,
  ) {
    super('HTTP_STATUS', message, { hint });
  }
}

/**
 * A request in flight: `response` once headers arrive, then `chunks()` for the body. The stall
 * timer stays armed until the body is done or `cancel()` runs, so a server that stops mid-body
 * fails with TIMEOUT instead of hanging.
 */
export class HttpExchange {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;
  private readonly speed: SpeedCheck;
  private readonly onAbort = () => this.controller.abort();

  private constructor(
    readonly label: string,
    private readonly options: RequestOptions,
  ) {
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.speed = new SpeedCheck(options, () => this.controller.abort());
  }

  static async get(fetchFn: FetchFn, url: string, label: string, headers: Record<string, string>, options: RequestOptions = {}) {
    if (options.signal?.aborted) throw new AbortError();
    const ex = new HttpExchange(label, options);
    ex.arm();
    // The rate check runs from the request on: a server that never sends its headers (or sends
    // a 1xx and then nothing) brings no bytes either, and ends as TOO_SLOW within --speed-time.
    ex.speed.start();
    try {
      const response = await fetchFn(url, { headers, signal: ex.controller.signal, redirect: 'follow' });
      ex.arm();
      return { exchange: ex, response };
    } catch (e) {
      ex.done();
      throw ex.translate(e);
    }
  }

  /** The body as it arrives; each chunk re-arms the stall timer. */
  async *chunks(response: Response): AsyncGenerator<Uint8Array> {
    if (!response.body) return this.done();
    const reader = response.body.getReader();
    try {
      for (;;) {
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await reader.read();
        } catch (e) {
          throw this.translate(e);
        }
        if (step.done) return;
        this.arm();
        this.speed.add(step.value.length);
        yield step.value;
      }
    } finally {
      this.done();
      // Stopping early (an error, or a consumer that has what it needs) must close the socket.
      reader.cancel().catch(() => undefined);
    }
  }

  /** Reads a body that must be exactly `length` bytes into one buffer, refusing any excess. */
  async bytes(response: Response, length: number, offset: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let got = 0;
    for await (const chunk of this.chunks(response)) {
      if (got + chunk.length > length) {
        throw new SourceError('BAD_RANGE_REPLY', `${this.label}: the reply for ${length} bytes at offset ${offset} carried more`);
      }
      out.set(chunk, got);
      got += chunk.length;
    }
    if (got !== length) {
      throw new SourceError('SHORT_READ', `${this.label}: asked for ${length} bytes at offset ${offset}, the reply carried ${got}`);
    }
    return out;
  }

  /** Drops the reply without reading its body (a 200 to a Range request, an error status). */
  cancel(response: Response): void {
    this.done();
    response.body?.cancel().catch(() => undefined);
  }

  private arm(): void {
    clearTimeout(this.timer);
    const ms = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, ms);
  }

  private done(): void {
    clearTimeout(this.timer);
    this.speed.stop();
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  private translate(e: unknown): Error {
    if (this.options.signal?.aborted) return new AbortError();
    // Our own watchdogs abort the fetch, which some fetches (nodeFetch on Node 22+) report as a typed
    // ABORTED: the reason we aborted wins over how the fetch describes the abort.
    if (this.speed.tooSlow) return this.speed.error(this.label, e);
    if (this.timedOut) {
      return new SourceError('TIMEOUT', `${this.label}: no reply for ${this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`, { cause: e });
    }
    // A fetch that already says why it failed (the browser's CORS check, src/web/cors-fetch.ts) keeps its error.
    if (e instanceof FnnxError) return e;
    // Already typed by the fetch (a status HTTP does not define): kept as it is.
    if (e instanceof SourceError) return e;
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const detail = `${cause?.code ?? ''} ${cause?.message ?? ''} ${(e as Error).message}`;
    if (/^https:/i.test(this.label) && /EPROTO|wrong version number|packet length too long|SSL routines/i.test(detail)) {
      return new SourceError('TLS_ERROR', `${this.label}: the server did not answer with TLS: it probably speaks plain HTTP on this port`, {
        cause: e,
        hint: `try the same address with http:// instead of https://`,
      });
    }
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    return new SourceError('NETWORK_ERROR', `${this.label}: ${why}`, { cause: e });
  }
}

/**
 * curl's --speed-limit / --speed-time: each window of `speedTimeMs` must move `speedLimit` bytes a
 * second on average, or `onSlow` runs (once). A window with no bytes at all (waiting for headers,
 * a stalled body) fails like a trickle. Time a consumer spends between chunks counts too: a reader
 * that stops consuming also holds the socket, and the stall timer treats it the same way.
 */
export class SpeedCheck {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private bytes = 0;
  tooSlow = false;
  private readonly limit: number;
  private readonly ms: number;

  constructor(
    options: Pick<RequestOptions, 'speedLimit' | 'speedTimeMs'>,
    private readonly onSlow: () => void,
  ) {
    this.limit = options.speedLimit ?? DEFAULT_SPEED_LIMIT;
    this.ms = options.speedTimeMs ?? DEFAULT_SPEED_TIME_MS;
  }

  start(): void {
    if (this.limit <= 0 || this.ms <= 0 || this.tooSlow) return;
    clearTimeout(this.timer);
    this.bytes = 0;
    this.timer = setTimeout(() => {
      if (this.bytes >= (this.limit * this.ms) / 1000) return this.start();
      this.tooSlow = true;
      this.onSlow();
    }, this.ms);
  }

  add(n: number): void {
    this.bytes += n;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** `moved`: what the bytes did (a download's arrive; an upload's are sent, then its reply arrives). */
  error(label: string, cause?: unknown, moved = 'arrived'): SourceError {
    return new SourceError('TOO_SLOW', `${label}: fewer than ${this.limit} bytes a second ${moved} over ${this.ms / 1000} s`, {
      cause,
      hint: 'the server is trickling data or not answering; on a slow but honest link lower --speed-limit or raise --speed-time',
    });
  }
}

/**
 * HTTP defines final statuses 200-599; the Response type (and any caller) cannot hold another. A
 * server that answers 600, or 199 as if final, is refused here with a typed error, not retried.
 */
export function unknownStatus(status: number, label: string): SourceError | undefined {
  if (status >= 200 && status <= 599) return undefined;
  return new SourceError('HTTP_STATUS', `${label}: server replied with status ${status}, which HTTP does not define`, {
    hint: 'the URL does not lead to an HTTP storage server (or something between here and it is broken)',
  });
}

/** The most of a storage reply's body read (an XML document or an error page): enough for any real one. */
export const REPLY_TEXT_LIMIT = 64 * 1024;

/**
 * A reply's body as text, read up to `limit` bytes and the rest dropped unread (the connection is
 * closed), so a server sending a gigabyte costs a bounded read. `complete` is false when cut.
 */
export async function boundedText(res: Response, label: string, limit = REPLY_TEXT_LIMIT): Promise<{ text: string; complete: boolean }> {
  if (!res.body) return { text: '', complete: true };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let complete = false;
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (e) {
        if (e instanceof SourceError) throw e;
        throw new SourceError('NETWORK_ERROR', `${label}: the reply broke off: ${(e as Error).message}`, { cause: e });
      }
      if (step.done) {
        complete = true;
        break;
      }
      const take = Math.min(step.value.length, limit - size);
      chunks.push(step.value.subarray(0, take));
      size += take;
      if (take < step.value.length) break;
    }
  } finally {
    if (!complete) await reader.cancel().catch(() => undefined);
  }
  return { text: new TextDecoder().decode(concatChunks(chunks)), complete };
}

/** The status check every ranged read shares; the body of a refused reply is never read. */
export function statusError(res: Response, label: string): HttpStatusError {
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  const hint =
    res.status === 403
      ? 'a presigned URL may have expired; ask for a fresh one'
      : res.status === 429 || res.status >= 500
        ? 'the server is busy or failing; try again later'
        : undefined;
  return new HttpStatusError(res.status, `${label}: server replied ${res.status} ${res.statusText}`.trimEnd(), retryAfterMs, hint);
}

export function rangeNotSupported(label: string): SourceError {
  return new SourceError('RANGE_NOT_SUPPORTED', `${label}: the server ignored the Range header and sent the whole object`, {
    hint: 'serve the file from a server or object store that supports HTTP range requests, or use `fnnx-kit download` first',
  });
}

export interface ContentRange {
  start?: number;
  end?: number;
  total: number;
}

// "bytes 0-99/1234" or "bytes */1234"; an unknown total ("*") is refused.
export function parseContentRange(value: string | null): ContentRange | undefined {
  const m = value?.match(/^bytes (?:(\d+)-(\d+)|\*)\/(\d+)$/);
  if (!m) return undefined;
  const total = Number(m[3]);
  if (m[1] === undefined) return { total };
  return { start: Number(m[1]), end: Number(m[2]), total };
}

/** Retry-After is seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Query strings of presigned URLs carry credentials: never print them. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return url;
  }
}
