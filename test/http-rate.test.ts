/**
 * A server trickling one byte at a time never stalls, so the stall timeout alone never fires: the
 * minimum rate (--speed-limit / --speed-time, on by default) and the overall --timeout end every
 * command in bounded time with a typed error. A real HTTP server on 127.0.0.1.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from './helpers/run-cli-async.js';
import { tempDir } from './helpers/paths.js';

const TOTAL = 1 << 20;
let server: Server;
let url: string;
const open = new Set<ServerResponse>();

/** Every reply: 206 for what was asked, then one byte every 250 ms (4 B/s) until the client goes. */
beforeAll(async () => {
  server = createServer((req, res) => {
    const m = /bytes=(\d+)-(\d+)?/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m?.[2] !== undefined ? Math.min(Number(m[2]), TOTAL - 1) : TOTAL - 1;
    res.writeHead(m ? 206 : 200, {
      'content-length': String(end - start + 1),
      'accept-ranges': 'bytes',
      etag: '"trickle-1"',
      ...(m ? { 'content-range': `bytes ${start}-${end}/${TOTAL}` } : {}),
    });
    open.add(res);
    const timer = setInterval(() => res.write(Buffer.alloc(1)), 250);
    res.on('close', () => {
      clearInterval(timer);
      open.delete(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.fnnx`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function timed(args: string[]) {
  const started = performance.now();
  const r = await runCliAsync(args);
  return { ...r, seconds: (performance.now() - started) / 1000 };
}

describe('a server trickling one byte at a time', () => {
  // No upper bounds on time: this server trickles for good, so a check that did not fire would never
  // end the command (the test's timeout fails it), and the message names the check that did fire.
  it('inspect gives up with TOO_SLOW by default (1 KiB/s over 10 s), not before the window', async () => {
    const r = await timed(['inspect', url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/fewer than 1024 bytes a second arrived over 10 s \(TOO_SLOW\)/);
    expect(r.seconds).toBeGreaterThan(9);
  });

  it('--speed-time 1 makes validate, index and card show give up after about a second', async () => {
    for (const command of [['validate'], ['index'], ['card', 'show']]) {
      const r = await timed([...command, url, '--speed-time', '1']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/ over 1 s \(TOO_SLOW\)/);
      expect(r.seconds).toBeGreaterThan(0.9);
    }
  });

  it('download --speed-time 1 fails with TOO_SLOW', async () => {
    const r = await timed(['download', url, '-o', join(tempDir('fnnx-rate-'), 'm.fnnx'), '--speed-time', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ over 1 s \(TOO_SLOW\)/);
    expect(r.seconds).toBeGreaterThan(0.9);
  });

  it('with the rate check off, --timeout 2 ends download and cat with TIMEOUT', async () => {
    const d = await timed(['download', url, '-o', join(tempDir('fnnx-rate-'), 'm.fnnx'), '--speed-limit', '0', '--timeout', '2']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/gave up after --timeout 2 s \(TIMEOUT\)/);
    expect(d.seconds).toBeGreaterThan(1.9);
    const c = await timed(['cat', url, 'manifest.json', '--speed-limit', '0', '--timeout', '2']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/gave up after --timeout 2 s \(TIMEOUT\)/);
    expect(c.seconds).toBeGreaterThan(1.9);
  });

  it('refuses a rate or timeout that is not a number (BAD_OPTION)', async () => {
    for (const bad of [
      ['--speed-limit', 'fast'],
      ['--speed-time', '0'],
      ['--timeout', '-1'],
    ]) {
      const r = await runCliAsync(['inspect', url, ...bad]);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr).toContain('(BAD_OPTION)');
    }
  });
});
