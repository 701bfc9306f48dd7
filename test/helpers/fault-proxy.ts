import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request: pass it on, answer it itself, or cut it. */
export type Fault =
  | { kind: 'pass'; rewriteEtag?: string }
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  /** Reads some of the body, then destroys the connection (a network drop mid-part). */
  | { kind: 'drop'; afterBytes: number }
  /** Holds the request without answering (a stall; the client's abort or timeout ends it). */
  | { kind: 'hang' };

export interface SeenRequest {
  method: string;
  /** S3 partNumber / Azure blockid query value, if any. */
  part?: string;
  url: string;
}

/**
 * A small HTTP proxy in front of a storage server for fault injection. `decide` sees each request
 * (and how many came before it) and picks a fault; `seen` records every request that reached the
 * upstream server in full, so tests count exactly which parts were sent.
 */
export async function startFaultProxy(upstream: string, decide: (req: SeenRequest, index: number) => Fault = () => ({ kind: 'pass' })) {
  const seen: SeenRequest[] = [];
  const attempted: SeenRequest[] = [];
  const target = new URL(upstream);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', upstream);
    const info: SeenRequest = {
      method: req.method ?? 'GET',
      part: u.searchParams.get('partNumber') ?? u.searchParams.get('blockid') ?? undefined,
      url: u.pathname + u.search,
    };
    const fault = decide(info, attempted.length);
    attempted.push(info);
    if (fault.kind === 'status') {
      req.resume();
      req.once('end', () => res.writeHead(fault.status, fault.headers).end());
      return;
    }
    if (fault.kind === 'hang') return void req.resume();
    if (fault.kind === 'drop') {
      let got = 0;
      req.on('data', (c: Buffer) => {
        got += c.length;
        if (got >= fault.afterBytes) req.socket.destroy();
      });
      return;
    }
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (up) => {
        seen.push(info);
        const headers = { ...up.headers };
        if (fault.rewriteEtag && headers.etag) headers.etag = fault.rewriteEtag;
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    attempted,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * The faults of an interrupted upload: the request for `part` hangs, and `controller` aborts
 * `afterMs` later (once); every other request passes.
 */
export function hangPartThenAbort(part: string, controller: AbortController, afterMs = 300): (req: SeenRequest) => Fault {
  return (req) => {
    if (req.part === part && !controller.signal.aborted) {
      setTimeout(() => controller.abort(), afterMs);
      return { kind: 'hang' };
    }
    return { kind: 'pass' };
  };
}

/** The parts PUT through the proxy after its first `before` requests, sorted: what a rerun sent. */
export function partsPutSince(seen: readonly SeenRequest[], before: number): Array<string | undefined> {
  return seen
    .slice(before)
    .filter((q) => q.method === 'PUT')
    .map((q) => q.part)
    .sort();
}
