import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeFetch } from '../src/node/http-fetch.js';

/**
 * A tiny real server: /redirect → /data, /data echoes a body, /slow never finishes, /big sends
 * 64 MiB (noting when the last byte left), /cut promises 100 bytes and closes after 10.
 */
let server: Server;
let base = '';
const seen: IncomingHttpHeaders[] = [];
const BIG = 64 * 1024 * 1024;
/** Bytes of the last /big reply the socket has taken so far (it takes more only as the client reads). */
let bigSent = 0;
/** How the last /big reply ended: every byte handed over, or the connection cut first. */
let bigEnded: Promise<'finished' | 'cut'> = Promise.resolve('finished');

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/redirect') res.writeHead(302, { location: '/data' }).end();
    else if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else if (req.url === '/data') res.writeHead(206, { 'content-range': 'bytes 0-4/5', etag: '"x"' }).end('hello');
    else if (req.url === '/big') {
      bigSent = 0;
      const chunk = Buffer.alloc(1 << 20, 7);
      res.writeHead(200, { 'content-length': BIG });
      bigEnded = new Promise((resolve) => res.on('close', () => resolve(bigSent < BIG ? 'cut' : 'finished')));
      const pump = () => {
        while (bigSent < BIG && !res.destroyed) {
          bigSent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    } else if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': 100 });
      res.write(Buffer.alloc(10), () => res.destroy());
    } else res.writeHead(200).write('partial'); // /slow: headers and a little body, then nothing
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

  it('holds the socket back while the reader lags, then delivers every byte intact', async () => {
    const res = await nodeFetch(`${base}/big`);
    const reader = res.body!.getReader();
    let total = (await reader.read()).value!.length;
    await new Promise((r) => setTimeout(r, 300));
    // Backpressure: with the reader idle the server could hand over no more than socket buffers hold.
    expect(bigSent).toBeLessThan(BIG / 2);
    let sevens = true;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      total += value.length;
      sevens &&= value.every((b) => b === 7);
    }
    expect(total).toBe(BIG);
    expect(sevens).toBe(true);
  });

  it('a connection closed before the body ends makes the reader reject, never end short', async () => {
    const res = await nodeFetch(`${base}/cut`);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it('cancel() mid-body stops the reply; chunks already read from the socket are dropped quietly', async () => {
    const res = await nodeFetch(`${base}/big`);
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(await bigEnded).toBe('cut');
    expect(bigSent).toBeLessThan(BIG / 2);
    // A chunk arriving after cancel() must not throw (an uncaught error would fail this run).
    await new Promise((r) => setTimeout(r, 100));
  });
});
