/** A real static server on 127.0.0.1 (serve-static, which honours Range), logging every reply. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import serveStatic from 'serve-static';

export interface LoggedRequest {
  path: string;
  range: string | undefined;
  status: number;
  /** Body bytes sent (headers excluded). */
  bytes: number;
}

export interface TestServer {
  origin: string;
  log: LoggedRequest[];
  close(): Promise<void>;
}

/** Serves each root under its URL prefix, e.g. { '/': pageDir, '/files/': dataDir }. */
export async function startServer(mounts: Record<string, string>): Promise<TestServer> {
  const log: LoggedRequest[] = [];
  const handlers = Object.entries(mounts)
    .sort(([a], [b]) => b.length - a.length)
    .map(([prefix, root]) => ({ prefix, serve: serveStatic(root, { index: ['index.html'], cacheControl: false, etag: false }) }));
  const server = createServer((req, res) => {
    const entry = countBody(req, res, log);
    const mount = handlers.find((m) => req.url!.startsWith(m.prefix));
    if (!mount) return end404(res);
    req.url = '/' + req.url!.slice(mount.prefix.length);
    mount.serve(req, res, () => end404(res));
    res.on('finish', () => (entry.status = res.statusCode));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function end404(res: ServerResponse): void {
  res.statusCode = 404;
  res.end('not found');
}

function countBody(req: IncomingMessage, res: ServerResponse, log: LoggedRequest[]): LoggedRequest {
  const entry: LoggedRequest = { path: req.url!, range: req.headers.range, status: 0, bytes: 0 };
  log.push(entry);
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const add = (chunk: unknown) => {
    if (typeof chunk === 'string') entry.bytes += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) entry.bytes += chunk.length;
  };
  res.write = ((chunk: unknown, ...rest: unknown[]) => (add(chunk), write(chunk, ...rest))) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => (typeof chunk !== 'function' && add(chunk), end(chunk, ...rest))) as typeof res.end;
  return entry;
}
