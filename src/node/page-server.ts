/**
 * The inspector page served to this machine only (`fnnx-kit page`): a static server over the
 * built page, bound to 127.0.0.1. Browsers run the page's module scripts only from http(s), and
 * only with a JavaScript MIME type, which is why it cannot simply be opened from disk.
 *
 * It serves exactly the regular files found under the page's folder when it starts, looked up by
 * the request's decoded path as a key: no path from a request reaches the file system, so `..`,
 * `%2e%2e`, encoded slashes and absolute paths name nothing, and there is no directory listing.
 * Each file is opened without following a link and checked to be a regular file before it is sent.
 */
import { constants, readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

const TYPES: ReadonlyMap<string, string> = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.json', 'application/json'],
  ['.wasm', 'application/wasm'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
  ['.txt', 'text/plain; charset=utf-8'],
]);

export interface PageServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections (a browser keeps its sockets alive). */
  close(): Promise<void>;
}

/**
 * Serves the files under `root` on 127.0.0.1, and `extra` (name → path: files from elsewhere, such
 * as onnxruntime-web's, by fixed names); `port` 0 takes a free one. Rejects with the listen error
 * (EADDRINUSE, EACCES).
 */
export async function startPageServer(root: string, port = 0, extra: ReadonlyMap<string, string> = new Map()): Promise<PageServer> {
  const files = new Map([...pageFiles(root), ...extra]);
  const sockets = new Set<Socket>();
  let hosts = new Set<string>();
  const server: Server = createServer((req, res) => serve(req, res, files, hosts));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  // Only names of this machine: a page on another site whose name an attacker points at
  // 127.0.0.1 (DNS rebinding) sends its own name as Host, and is refused.
  hosts = new Set([`127.0.0.1:${bound}`, `localhost:${bound}`]);
  return {
    url: `http://127.0.0.1:${bound}/`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Every regular file under `root` by its path relative to it, with `/` separators. Links are not followed. */
function pageFiles(root: string): ReadonlyMap<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(root, path).split(sep).join('/'), path);
  }
  return files;
}

/** The file a request target names: its path, percent-decoded, without the leading slash; `/` is index.html. */
export function requestedName(target: string): string | undefined {
  // Absolute-form targets (`http://host/x`) and `*` are for proxies: nothing here.
  if (!target.startsWith('/')) return undefined;
  const path = target.split(/[?#]/, 1)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  return decoded === '/' ? 'index.html' : decoded.slice(1);
}

function serve(req: IncomingMessage, res: ServerResponse, files: ReadonlyMap<string, string>, hosts: ReadonlySet<string>): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'only GET and HEAD', { Allow: 'GET, HEAD' });
  if (!hosts.has(req.headers.host ?? '')) return reply(res, 421, 'this server answers only to 127.0.0.1 and localhost');
  const name = requestedName(req.url ?? '');
  const path = name === undefined ? undefined : files.get(name);
  if (path === undefined) return reply(res, 404, 'not found');
  sendFile(path, req.method === 'HEAD', res).catch(() => {
    if (!res.headersSent) reply(res, 404, 'not found');
    else res.destroy();
  });
}

async function sendFile(path: string, headOnly: boolean, res: ServerResponse): Promise<void> {
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stat = await file.stat();
    if (!stat.isFile()) throw new Error('not a regular file');
    res.writeHead(200, {
      'Content-Type': TYPES.get(extname(path).toLowerCase()) ?? 'application/octet-stream',
      'Content-Length': stat.size,
      // A rebuilt page has new asset names; index.html itself must be asked for again.
      'Cache-Control': 'no-cache',
    });
    if (headOnly) return void res.end();
    await pipeline(file.createReadStream({ autoClose: false }), res);
  } finally {
    await file.close();
  }
}

function reply(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) + 1, ...headers });
  res.end(`${text}\n`);
}
