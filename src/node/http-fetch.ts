import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { finished } from 'node:stream';
import { AbortError } from '../errors.js';
import { redact, unknownStatus, type FetchFn } from '../source/http-request.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * The subset of fetch() the HTTP source and the downloader use (GET, headers, signal, redirects),
 * over node:http(s). Node's built-in fetch (undici) took more time and memory for the same body,
 * which matters to `download`'s memory budget. The browser build keeps the platform's fetch.
 */
// Figures: bench/README.md, "download"; why: docs/design.md, "HTTP and downloads".
export const nodeFetch: FetchFn = (input, init = {}) => get(new URL(String(input)), headersOf(init.headers), init.signal ?? undefined, 0);

async function get(url: URL, headers: Record<string, string>, signal: AbortSignal | undefined, hops: number): Promise<Response> {
  const res = await send(url, headers, signal);
  const location = res.headers.location;
  if (REDIRECTS.has(res.statusCode ?? 0) && location && hops < MAX_REDIRECTS) {
    res.resume();
    return get(new URL(location, url), headers, signal, hops + 1);
  }
  return responseOf(res, `GET ${redact(url.href)}`);
}

/**
 * A fetch Response over a node:http reply, its body streamed (never buffered here). A status
 * outside 200-599 (which Response cannot hold: a RangeError) is a typed HTTP_STATUS error, and
 * the connection is closed unread.
 */
export function responseOf(res: IncomingMessage, label: string): Response {
  const status = res.statusCode ?? 0;
  const refused = unknownStatus(status, label);
  if (refused) {
    res.destroy();
    throw refused;
  }
  const body = status === 204 || status === 205 || status === 304 ? null : bodyStream(res);
  if (!body) res.resume();
  return new Response(body, { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res) });
}

/**
 * The body as a web stream of views over the socket's own chunks, pausing the socket while the
 * reader lags. Not Readable.toWeb: Node 20's copies every chunk (`new Uint8Array(chunk)`), which
 * doubles the garbage a download makes.
 */
function bodyStream(res: IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        res.on('data', (chunk: Buffer) => {
          // A chunk already read from the socket can still arrive after cancel() or an error.
          if (settled) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) res.pause();
        });
        // finished() reports a connection closed before the body's end as an error.
        finished(res, (error) => {
          if (settled) return;
          settled = true;
          if (error) controller.error(error);
          else controller.close();
        });
      },
      pull() {
        res.resume();
      },
      cancel() {
        settled = true;
        res.destroy();
      },
    },
    { highWaterMark: 4 },
  );
}

function send(url: URL, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError());
    const req = request(url, { method: 'GET', headers }, resolve);
    abortWith(req, signal);
    req.on('error', reject);
    req.end();
  });
}

/**
 * Destroys `req` when `signal` aborts, for as long as the request and its reply are open. Not
 * node:http's `signal` option: its listener outlives the request, so a signal that outlives the
 * request (a redirect's first hop, an upload's many parts) destroyed, when aborted later, a
 * keep-alive socket that another request or the agent's pool held by then: an error nobody heard.
 */
export function abortWith(req: ClientRequest, signal: AbortSignal | undefined): void {
  if (!signal) return;
  const onAbort = () => req.destroy(new AbortError());
  const release = () => signal.removeEventListener('abort', onAbort);
  signal.addEventListener('abort', onAbort, { once: true });
  req.once('close', release);
  req.once('response', (res: IncomingMessage) => res.once('close', release));
}

function headersOf(init: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init).forEach((value, key) => (out[key] = value));
  return out;
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}
