import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Stats } from 'node:fs';
import serveStatic from 'serve-static';

/**
 * A real static file server on 127.0.0.1 (serve-static, built on `send`, honours Range and
 * If-Match), with fault injection done in the request path itself: every test pays real sockets
 * and real bytes, and the server counts what it was asked and what it sent.
 */

export type Fault =
  /** Reply with this status and no body (503, 429…), optionally with Retry-After. */
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Serve normally but cut the connection after this many body bytes. */
  | { kind: 'drop'; afterBytes: number }
  /** Drop the Range header before serving: a 200 with the whole body. */
  | { kind: 'ignoreRange' }
  /** Wait before serving at all (no headers yet). */
  | { kind: 'delay'; ms: number }
  /** Send headers and this many body bytes, then nothing more, keeping the connection open. */
  | { kind: 'stall'; afterBytes: number }
  /** Serve a different range than the one asked for (a misbehaving proxy). */
  | { kind: 'rewriteRange'; range: string };

export interface RequestRecord {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Header names exactly as they arrived. */
  headerNames: string[];
  range: string | undefined;
  status: number;
  /** Body bytes handed to the socket for this reply. */
  bytes: number;
  fault?: Fault['kind'];
}

export interface RangeServer {
  readonly origin: string;
  url(name: string): string;
  readonly requests: RequestRecord[];
  /** Body bytes sent across all requests. */
  bytesSent(): number;
  /** Most replies in progress at one time since the last reset. */
  peakInFlight(): number;
  /** Faults applied to the next requests, one each, in order. */
  inject(...faults: Fault[]): void;
  /** Decides a fault per request when a queue is not enough (n counts from 0). */
  onRequest?: (req: IncomingMessage, n: number) => Fault | undefined;
  reset(): void;
  close(): Promise<void>;
}

export interface RangeServerOptions {
  /** Send a strong ETag (inode, size, mtime) instead of send's weak one, as object stores do. */
  strongEtag?: boolean;
  /**
   * Answer pages of any origin (Access-Control-Allow-Origin: *, preflights for Range), exposing
   * the reply headers listed (none when empty: a bucket whose CORS rule forgot ExposeHeaders).
   */
  cors?: { exposeHeaders: string[] };
}

export async function startRangeServer(root: string, options: RangeServerOptions = {}): Promise<RangeServer> {
  const serve = serveStatic(root, {
    index: false,
    // Errors (404, 412 from If-Match, 416) come to the callback with their status and headers.
    fallthrough: false,
    dotfiles: 'allow',
    cacheControl: false,
    setHeaders: options.strongEtag
      ? (res: ServerResponse, _path: string, stat: Stats) => res.setHeader('ETag', strongEtag(stat))
      : undefined,
  });
  const requests: RequestRecord[] = [];
  const queue: Fault[] = [];
  let count = 0;
  let inFlight = 0;
  let peak = 0;
  const server = createServer((req, res) => {
    const fault = queue.shift() ?? api.onRequest?.(req, count);
    count++;
    const record: RequestRecord = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: { ...req.headers },
      headerNames: req.rawHeaders.filter((_, i) => i % 2 === 0),
      range: req.headers.range,
      status: 0,
      bytes: 0,
      fault: fault?.kind,
    };
    requests.push(record);
    if (options.cors) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      if (options.cors.exposeHeaders.length) res.setHeader('Access-Control-Expose-Headers', options.cors.exposeHeaders.join(', '));
      if (req.method === 'OPTIONS') {
        record.status = 204;
        res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': 'Range' });
        res.end();
        return;
      }
    }
    peak = Math.max(peak, ++inFlight);
    res.on('close', () => {
      inFlight--;
      record.status = res.statusCode;
    });
    countBody(res, record, fault);
    if (fault?.kind === 'status') {
      res.statusCode = fault.status;
      if (fault.retryAfter !== undefined) res.setHeader('Retry-After', fault.retryAfter);
      res.end();
      return;
    }
    if (fault?.kind === 'ignoreRange') delete req.headers.range;
    if (fault?.kind === 'rewriteRange') req.headers.range = fault.range;
    const go = () =>
      serve(req, res, (err?: { status?: number; headers?: Record<string, string> }) => {
        res.statusCode = err?.status ?? 404;
        for (const [k, v] of Object.entries(err?.headers ?? {})) res.setHeader(k, v);
        res.end();
      });
    if (fault?.kind === 'delay') setTimeout(() => !res.destroyed && go(), fault.ms);
    else go();
  });
  // Keep-alive sockets must not hold close() up.
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api: RangeServer = {
    origin,
    url: (name) => `${origin}/${name.split('/').map(encodeURIComponent).join('/')}`,
    requests,
    bytesSent: () => requests.reduce((n, r) => n + r.bytes, 0),
    peakInFlight: () => peak,
    inject: (...faults) => queue.push(...faults),
    reset() {
      requests.length = 0;
      queue.length = 0;
      peak = inFlight;
      api.onRequest = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return api;
}

export function strongEtag(stat: Stats): string {
  return `"${stat.ino.toString(16)}-${stat.size.toString(16)}-${Math.round(stat.mtimeMs * 1000).toString(16)}"`;
}

/** Counts body bytes as they are written, and applies the faults that act mid-body. */
function countBody(res: ServerResponse, record: RequestRecord, fault: Fault | undefined): void {
  const write = res.write.bind(res) as (chunk: Buffer, cb?: () => void) => boolean;
  const emit = res.emit.bind(res) as (event: string, ...args: unknown[]) => boolean;
  const limit = fault?.kind === 'drop' || fault?.kind === 'stall' ? fault.afterBytes : Infinity;
  let cut = false;
  // A stalled reply never drains, so send's file stream stays paused instead of reading on.
  res.emit = ((event: string, ...args: unknown[]) => (cut && event === 'drain' ? false : emit(event, ...args))) as typeof res.emit;
  res.write = ((chunk: Buffer | string, ...rest: unknown[]) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (cut) return false;
    const room = limit - record.bytes;
    if (buf.length < room) {
      record.bytes += buf.length;
      return write(buf, ...(rest as []));
    }
    cut = true;
    record.bytes += Math.max(room, 0);
    const after = fault?.kind === 'drop' ? () => res.destroy() : () => undefined;
    write(buf.subarray(0, Math.max(room, 0)), after);
    return false;
  }) as typeof res.write;
}
