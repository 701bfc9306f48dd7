import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeFetch } from '../src/node/http-fetch.js';

/** A tiny real server: /redirect → /data, /data echoes a body, /slow never finishes. */
let server: Server;
let base = '';
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/redirect') res.writeHead(302, { location: '/data' }).end();
    else if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else if (req.url === '/data') res.writeHead(206, { 'content-range': 'bytes 0-4/5', etag: '"x"' }).end('hello');
    else res.writeHead(200).write('partial'); // /slow: headers and a little body, then nothing
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('nodeFetch (fetch over node:http for the Node CLI)', () => {
  it('returns status, headers and body as fetch would, sending only the headers given', async () => {
    seen.length = 0;
    const res = await nodeFetch(`${base}/data`, { headers: { Range: 'bytes=0-4' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 0-4/5');
    expect(res.headers.get('etag')).toBe('"x"');
    expect(await res.text()).toBe('hello');
    expect(Object.keys(seen[0]!).sort()).toEqual(['connection', 'host', 'range']);
  });

  it('follows redirects keeping the Range header, and stops after five hops', async () => {
    seen.length = 0;
    const res = await nodeFetch(`${base}/redirect`, { headers: { Range: 'bytes=0-4' } });
    expect(await res.text()).toBe('hello');
    expect(seen.map((h) => h.range)).toEqual(['bytes=0-4', 'bytes=0-4']);
    const loop = await nodeFetch(`${base}/loop`);
    expect(loop.status).toBe(302);
    await loop.body?.cancel();
  });

  it('an AbortSignal ends a body that has stopped arriving', async () => {
    const controller = new AbortController();
    const res = await nodeFetch(`${base}/slow`, { signal: controller.signal });
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    setTimeout(() => controller.abort(), 50);
    await expect(reader.read()).rejects.toThrow();
  });

  it('a refused connection rejects (the HTTP source turns it into NETWORK_ERROR)', async () => {
    await expect(nodeFetch('http://127.0.0.1:1/x')).rejects.toThrow(/ECONNREFUSED/);
  });
});
