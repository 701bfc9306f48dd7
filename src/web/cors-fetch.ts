/**
 * A page's reads pass the browser's CORS check, which hides why a reply was refused: a server
 * that does not allow the page's origin fails like a dead network (fetch's TypeError, retried
 * for seconds, then NETWORK_ERROR), and one that allows it without exposing Content-Range hands
 * over a 206 that seems to lack the header (BAD_RANGE_REPLY). This fetch names CORS in both
 * cases, with the headers the server must send. Node has no CORS: it never uses this.
 */
import { SourceError } from '../errors.js';
import { redact, type FetchFn } from '../source/http-request.js';

/** What a ranged read needs to see: Content-Range (which range, of what size), and ETag to pin the object. */
const EXPOSE = 'Access-Control-Expose-Headers: Content-Range, Content-Length, ETag';
/** The probe is one HEAD; a server that took longer than this to answer it tells us nothing. */
const PROBE_TIMEOUT_MS = 5_000;

export function corsAwareFetch(inner: FetchFn = globalThis.fetch): FetchFn {
  return async (input, init) => {
    const url = urlOf(input);
    let res: Response;
    try {
      res = await inner(input, init);
    } catch (e) {
      const signal = init?.signal ?? undefined;
      if (signal?.aborted || !crossOrigin(url) || !(await reachable(inner, url, signal))) throw e;
      throw blocked(url, e);
    }
    if (res.type === 'cors' && (res.status === 206 || res.status === 416) && !res.headers.has('content-range')) {
      res.body?.cancel().catch(() => undefined);
      throw hidden(url);
    }
    return res;
  };
}

function urlOf(input: RequestInfo | URL): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

/** Only a request to another origin is subject to CORS (a worker has a location too). */
function crossOrigin(url: string): boolean {
  if (typeof location === 'undefined') return false;
  try {
    return new URL(url, location.href).origin !== location.origin;
  } catch {
    return false;
  }
}

/**
 * Whether the server answers at all: a `no-cors` request is not subject to CORS (its reply is
 * opaque, unreadable), so it succeeds where a refused read failed only if the refusal was CORS.
 * A dead host or a refused connection fails both ways, and stays a network error.
 */
async function reachable(fetchFn: FetchFn, url: string, signal: AbortSignal | undefined): Promise<boolean> {
  const timeout = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  try {
    await fetchFn(url, {
      method: 'HEAD',
      mode: 'no-cors',
      credentials: 'omit',
      cache: 'no-store',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    return true;
  } catch {
    return false;
  }
}

function blocked(url: string, cause: unknown): SourceError {
  return new SourceError(
    'CORS_BLOCKED',
    `${redact(url)}: the browser blocked the reply (CORS): the server does not allow pages from ${location.origin} to read it`,
    {
      cause,
      hint: `the server must send Access-Control-Allow-Origin: ${location.origin} (or *) and ${EXPOSE}; where the browser sends a preflight (OPTIONS), Access-Control-Allow-Headers: Range`,
    },
  );
}

function hidden(url: string): SourceError {
  return new SourceError(
    'CORS_BLOCKED',
    `${redact(url)}: the browser hid the reply's Content-Range (CORS): the server allows this page but does not expose that header`,
    { hint: `the server must also send ${EXPOSE}` },
  );
}
