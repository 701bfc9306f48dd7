import { checkLength, checkRange, type ByteSource } from './byte-source.js';
import { SourceError } from '../errors.js';

export interface HttpSourceOptions {
  /** Bytes fetched by the opening request; they also serve later reads inside them. */
  headBytes?: number;
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
}

/**
 * An object behind an http(s) URL, read with `Range` requests. Only the `Range` header is sent,
 * so presigned S3/Azure/GCS URLs (which sign the headers they expect) keep working. Every reply
 * must be `206` with a `Content-Range` that matches what was asked.
 */
export class HttpSource implements ByteSource {
  private constructor(
    readonly url: string,
    readonly byteLength: number,
    readonly label: string,
    private readonly head: Uint8Array,
    private readonly fetchFn: typeof globalThis.fetch,
  ) {}

  /** Opens with one request for the first `headBytes`, which also tells the object's size. */
  static async open(url: string, options: HttpSourceOptions = {}): Promise<HttpSource> {
    const fetchFn = options.fetch ?? globalThis.fetch;
    const label = redact(url);
    const want = options.headBytes ?? 64 * 1024;
    const res = await request(fetchFn, url, label, `bytes=0-${want - 1}`, options.signal);
    if (res.status === 416) {
      const total = parseContentRange(res.headers.get('content-range'))?.total;
      await res.body?.cancel();
      if (total === 0) return new HttpSource(url, 0, label, new Uint8Array(0), fetchFn);
      throw new SourceError('BAD_RANGE_REPLY', `${label}: server refused the range request (416)`);
    }
    const range = expectPartial(res, label);
    if (range.start !== 0) throw mismatch(label, `bytes=0-${want - 1}`, res);
    const head = new Uint8Array(await res.arrayBuffer());
    checkLength({ label }, head.length, range.end - range.start + 1, 0);
    return new HttpSource(url, range.total, label, head, fetchFn);
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    checkRange(this, offset, length);
    if (length === 0) return new Uint8Array(0);
    if (offset + length <= this.head.length) return this.head.subarray(offset, offset + length);
    const spec = `bytes=${offset}-${offset + length - 1}`;
    const res = await request(this.fetchFn, this.url, this.label, spec, signal);
    const range = expectPartial(res, this.label);
    if (range.start !== offset || range.end !== offset + length - 1 || range.total !== this.byteLength) {
      await res.body?.cancel();
      throw mismatch(this.label, spec, res);
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    checkLength(this, bytes.length, length, offset);
    return bytes;
  }
}

async function request(
  fetchFn: typeof globalThis.fetch,
  url: string,
  label: string,
  range: string,
  signal?: AbortSignal,
): Promise<Response> {
  try {
    return await fetchFn(url, { headers: { Range: range }, signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new SourceError('NETWORK_ERROR', `${label}: ${(e as Error).message}`, { cause: e });
  }
}

function expectPartial(res: Response, label: string): { start: number; end: number; total: number } {
  if (res.status === 200) {
    void res.body?.cancel();
    throw new SourceError('RANGE_NOT_SUPPORTED', `${label}: the server ignored the Range header and sent the whole object`, {
      hint: 'serve the file from a server or object store that supports HTTP range requests',
    });
  }
  if (res.status !== 206) {
    void res.body?.cancel();
    throw new SourceError('HTTP_STATUS', `${label}: server replied ${res.status} ${res.statusText}`, {
      hint: res.status === 403 ? 'a presigned URL may have expired; ask for a fresh one' : undefined,
    });
  }
  const range = parseContentRange(res.headers.get('content-range'));
  if (!range || range.start === undefined || range.end === undefined) {
    void res.body?.cancel();
    throw new SourceError('BAD_RANGE_REPLY', `${label}: 206 reply without a usable Content-Range`);
  }
  return { start: range.start, end: range.end, total: range.total };
}

// "bytes 0-99/1234" or "bytes */1234"; an unknown total ("*") is refused.
export function parseContentRange(value: string | null): { start?: number; end?: number; total: number } | undefined {
  const m = value?.match(/^bytes (?:(\d+)-(\d+)|\*)\/(\d+)$/);
  if (!m) return undefined;
  const total = Number(m[3]);
  if (m[1] === undefined) return { total };
  return { start: Number(m[1]), end: Number(m[2]), total };
}

function mismatch(label: string, asked: string, res: Response): SourceError {
  return new SourceError('BAD_RANGE_REPLY', `${label}: asked for ${asked}, server sent ${res.headers.get('content-range')}`);
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
