import { checkRange, type ByteSource } from './byte-source.js';
import { SourceError } from '../errors.js';
import {
  HttpExchange,
  parseContentRange,
  rangeNotSupported,
  redact,
  statusError,
  type FetchFn,
  type RequestOptions,
} from './http-request.js';
import { identityOf, ifMatchHeader, sameObject, sourceChanged, type ObjectIdentity } from './http-identity.js';

export { parseContentRange, redact } from './http-request.js';

export interface HttpSourceOptions extends RequestOptions {
  fetch?: FetchFn;
  /**
   * `[offset, length]` fetched by the opening request, which also tells the object's size and
   * identity; its bytes serve later reads inside it. A caller that knows what it will read first
   * (a member's range from a known file_index) passes that range, and the read costs exactly this
   * one request. Default: the first `headBytes`.
   */
  openRange?: [number, number];
  /** Length of the default opening range. */
  headBytes?: number;
  /**
   * Send `If-Match` with the pinned strong ETag, so the server itself refuses a replaced object.
   * Off by default: in a browser it is not a CORS-safelisted header and would force a preflight
   * that presigned-URL buckets often refuse. Replies are compared with the pinned identity either way.
   */
  ifMatch?: boolean;
}

/**
 * An object behind an http(s) URL, read with `Range` requests (one request per read: retries,
 * caching and concurrency limits are wrappers around it). Only `Range` (and `If-Match` when asked)
 * is sent, so presigned S3/Azure/GCS URLs keep working. Every reply must be `206` with the exact
 * `Content-Range` asked for and the identity pinned when the source was opened.
 */
export class HttpSource implements ByteSource {
  private constructor(
    readonly url: string,
    readonly label: string,
    readonly identity: ObjectIdentity,
    private readonly head: { offset: number; bytes: Uint8Array },
    private readonly fetchFn: FetchFn,
    private readonly options: HttpSourceOptions,
  ) {}

  get byteLength(): number {
    return this.identity.size;
  }

  /** One request: the opening range, which also pins the object's size and identity. */
  static async open(url: string, options: HttpSourceOptions = {}): Promise<HttpSource> {
    const fetchFn = options.fetch ?? globalThis.fetch;
    const label = redact(url);
    const [offset, asked] = options.openRange ?? [0, options.headBytes ?? 64 * 1024];
    const length = Math.max(asked, 1);
    const { exchange, response: res } = await HttpExchange.get(fetchFn, url, label, rangeHeader(offset, length), options);
    const make = (bytes: Uint8Array, total: number) =>
      new HttpSource(url, label, identityOf(res.headers, total), { offset, bytes }, fetchFn, options);
    if (res.status === 416) {
      // The opening range starts at or past the end (an empty object, or a stale index):
      // the size is still known, and a later read of that range fails the ordinary way.
      exchange.cancel(res);
      const total = parseContentRange(res.headers.get('content-range'))?.total;
      if (total === undefined || total > offset)
        throw new SourceError('BAD_RANGE_REPLY', `${label}: server refused the range request (416)`);
      return make(new Uint8Array(0), total);
    }
    const range = expectPartial(exchange, res, label);
    // Servers clip a range that runs past the end; anything else is not what was asked.
    if (range.start !== offset || range.end > offset + length - 1 || (range.end < offset + length - 1 && range.end !== range.total - 1)) {
      exchange.cancel(res);
      throw mismatch(label, rangeHeader(offset, length).Range, res);
    }
    const bytes = await exchange.bytes(res, range.end - range.start + 1, offset);
    return make(bytes, range.total);
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    checkRange(this, offset, length);
    if (length === 0) return new Uint8Array(0);
    const { head } = this;
    if (offset >= head.offset && offset + length <= head.offset + head.bytes.length) {
      return head.bytes.subarray(offset - head.offset, offset - head.offset + length);
    }
    const headers = { ...rangeHeader(offset, length), ...(this.options.ifMatch ? ifMatchHeader(this.identity) : {}) };
    const { exchange, response: res } = await HttpExchange.get(this.fetchFn, this.url, this.label, headers, {
      signal,
      timeoutMs: this.options.timeoutMs,
      speedLimit: this.options.speedLimit,
      speedTimeMs: this.options.speedTimeMs,
    });
    if (res.status === 412) {
      exchange.cancel(res);
      throw sourceChanged(this.label, this.identity);
    }
    const range = expectPartial(exchange, res, this.label);
    const seen = identityOf(res.headers, range.total);
    if (!sameObject(this.identity, seen)) {
      exchange.cancel(res);
      throw sourceChanged(this.label, this.identity, seen);
    }
    if (range.start !== offset || range.end !== offset + length - 1) {
      exchange.cancel(res);
      throw mismatch(this.label, headers.Range, res);
    }
    return exchange.bytes(res, length, offset);
  }
}

function rangeHeader(offset: number, length: number): { Range: string } {
  return { Range: `bytes=${offset}-${offset + length - 1}` };
}

/** A ranged read needs 206 with a usable Content-Range; a 200 is refused before its body is read. */
function expectPartial(exchange: HttpExchange, res: Response, label: string): { start: number; end: number; total: number } {
  if (res.status !== 206) {
    exchange.cancel(res);
    throw res.status === 200 ? rangeNotSupported(label) : statusError(res, label);
  }
  const range = parseContentRange(res.headers.get('content-range'));
  if (range?.start === undefined || range.end === undefined) {
    exchange.cancel(res);
    throw new SourceError('BAD_RANGE_REPLY', `${label}: 206 reply without a usable Content-Range`);
  }
  return { start: range.start, end: range.end, total: range.total };
}

function mismatch(label: string, asked: string, res: Response): SourceError {
  return new SourceError('BAD_RANGE_REPLY', `${label}: asked for ${asked}, server sent ${res.headers.get('content-range')}`);
}
