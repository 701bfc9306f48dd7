import { AbortError, SourceError } from '../errors.js';

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
  private speedTimer: ReturnType<typeof setTimeout> | undefined;
  private windowBytes = 0;
  private tooSlow = false;
  private readonly onAbort = () => this.controller.abort();

  private constructor(
    readonly label: string,
    private readonly options: RequestOptions,
  ) {
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  static async get(fetchFn: FetchFn, url: string, label: string, headers: Record<string, string>, options: RequestOptions = {}) {
    if (options.signal?.aborted) throw new AbortError();
    const ex = new HttpExchange(label, options);
    ex.arm();
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
    this.startSpeedWindow();
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
        this.windowBytes += step.value.length;
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

  /**
   * Each window of speedTimeMs must bring speedLimit bytes a second on average, or the exchange is
   * aborted as TOO_SLOW. Time the consumer spends between chunks counts too: a reader that stops
   * consuming also holds the socket, and the stall timer treats it the same way.
   */
  private startSpeedWindow(): void {
    const limit = this.options.speedLimit ?? DEFAULT_SPEED_LIMIT;
    const ms = this.options.speedTimeMs ?? DEFAULT_SPEED_TIME_MS;
    if (limit <= 0 || ms <= 0) return;
    this.windowBytes = 0;
    this.speedTimer = setTimeout(() => {
      if (this.windowBytes < (limit * ms) / 1000) {
        this.tooSlow = true;
        this.controller.abort();
      } else this.startSpeedWindow();
    }, ms);
  }

  private done(): void {
    clearTimeout(this.timer);
    clearTimeout(this.speedTimer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  private translate(e: unknown): Error {
    if (this.options.signal?.aborted) return new AbortError();
    if (this.tooSlow) {
      const limit = this.options.speedLimit ?? DEFAULT_SPEED_LIMIT;
      const seconds = (this.options.speedTimeMs ?? DEFAULT_SPEED_TIME_MS) / 1000;
      return new SourceError('TOO_SLOW', `${this.label}: fewer than ${limit} bytes a second arrived over ${seconds} s`, {
        cause: e,
        hint: 'the server is trickling data; on a slow but honest link lower --speed-limit or raise --speed-time',
      });
    }
    if (this.timedOut) {
      return new SourceError('TIMEOUT', `${this.label}: no reply for ${this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`, { cause: e });
    }
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
