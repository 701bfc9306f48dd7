/**
 * `fnnx-kit page`: the built inspector page served on 127.0.0.1 by the CLI itself, as the README
 * tells a user to open it. What it serves, what it refuses (paths outside the page, other
 * methods and host names), how it ends, and the page opened from disk instead.
 */
import { request } from 'node:http';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/run-cli-async.js';
import { tempDir } from '../helpers/paths.js';
import { launchChromium } from './support/browser.js';
import { startPageCommand, type PageCommand } from './support/page-command.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE_DIR = join(ROOT, 'dist-web/page');

let server: PageCommand;
let browser: Browser;

beforeAll(async () => {
  server = await startPageCommand();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (server && server.child.exitCode === null) await server.stop();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the target exactly as given (fetch would normalise `..` and `%2e%2e` away). */
function raw(url: string, target: string, options: { method?: string; host?: string } = {}): Promise<Reply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, path: target, method: options.method ?? 'GET', headers: { Host: options.host ?? `${hostname}:${port}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Whether a socket listens on `port` at 127.0.0.1 only, from the kernel's own table (Linux /proc/net/tcp*). */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // Fields: sl, local address (hex ip:port), remote address, state (0A: LISTEN).
      .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A')
      .map((f) => f[1]!.split(':')[0]!),
  );
}

describe('fnnx-kit page', () => {
  it('prints {"url"} with --json and listens on 127.0.0.1 only', () => {
    const url = new URL(server.url);
    expect(url.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url.pathname).toBe('/');
    // 0100007F is 127.0.0.1 in the kernel's byte order; nothing on 0.0.0.0 or ::.
    expect(listeners(Number(url.port))).toEqual(['0100007F']);
  });

  it('serves the page with the MIME types a browser needs to run it: HTML, JavaScript modules, CSS', async () => {
    const index = await raw(server.url, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.body).toBe(readFileSync(join(PAGE_DIR, 'index.html'), 'utf8'));
    const assets = [...index.body.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const r = await raw(server.url, `/${asset}`);
      expect(r.status, asset).toBe(200);
      expect(r.headers['content-type'], asset).toBe(asset.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
      expect(r.body, asset).toBe(readFileSync(join(PAGE_DIR, asset), 'utf8'));
    }
  });

  it('serves nothing outside the page: "..", %2e%2e, encoded slashes and backslashes, absolute paths, no directory listing', async () => {
    const abs = join(ROOT, 'package.json');
    const targets = [
      '/../../package.json',
      '/assets/../../../package.json',
      '/%2e%2e/%2e%2e/package.json',
      '/%2E%2E%2F%2E%2E%2Fpackage.json',
      '/..%5c..%5cpackage.json',
      `/${abs}`,
      `/${encodeURIComponent(abs)}`,
      `//${abs}`,
      `http://127.0.0.1/../../package.json`,
      '/assets/',
      '/assets',
      '/%00index.html',
      '/%zz',
    ];
    for (const target of targets) {
      const r = await raw(server.url, target);
      expect(r.status, target).toBe(404);
      expect(r.body, target).not.toContain('"name": "fnnx-kit"');
      expect(r.body, target).not.toContain('<');
    }
  });

  it('answers only GET and HEAD, and only to its own host names (a rebound DNS name is refused)', async () => {
    expect((await raw(server.url, '/', { method: 'HEAD' })).status).toBe(200);
    const post = await raw(server.url, '/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const { port } = new URL(server.url);
    expect((await raw(server.url, '/', { host: `localhost:${port}` })).status).toBe(200);
    expect((await raw(server.url, '/', { host: `attacker.example:${port}` })).status).toBe(421);
  });

  it('the page it serves runs in Chromium: the "served, not opened from disk" notice hidden, the controls shown', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForSelector('#file');
    expect(await page.isHidden('#needs-server')).toBe(true);
    expect(await page.isVisible('#file')).toBe(true);
    expect(await page.isVisible('#url')).toBe(true);
    await page.close();
  });

  it('opened from disk (file://), the page says to run fnnx-kit page, with or without JavaScript', async () => {
    const url = pathToFileURL(join(PAGE_DIR, 'index.html')).href;
    for (const javaScriptEnabled of [true, false]) {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForLoadState('load');
      expect(await page.isVisible('#needs-server'), `JavaScript ${javaScriptEnabled}`).toBe(true);
      expect(await page.textContent('#needs-server')).toContain('Run fnnx-kit page');
      // The controls, which could do nothing there, are not shown.
      expect(await page.isHidden('#file'), `JavaScript ${javaScriptEnabled}`).toBe(true);
      await context.close();
    }
  });

  it('Ctrl-C (SIGINT) stops it: one line on stderr, exit 130, the port closed; SIGTERM exits 143', async () => {
    for (const [signal, status] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const own = await startPageCommand();
      const { port } = new URL(own.url);
      expect(listeners(Number(port))).toHaveLength(1);
      // A browser's kept-alive connection must not hold the end up.
      const keepAlive = await raw(own.url, '/');
      expect(keepAlive.status).toBe(200);
      expect(await own.stop(signal)).toEqual({ code: status, signal: null });
      expect(own.stderr()).toBe(`\nfnnx-kit: page: stopped (${signal})\n`);
      expect(listeners(Number(port))).toEqual([]);
    }
  });

  it('--open hands the URL to the browser named by $BROWSER', async () => {
    const dir = tempDir('fnnx-e2e-open-');
    const opened = join(dir, 'opened.txt');
    const fakeBrowser = join(dir, 'browser.sh');
    writeFileSync(fakeBrowser, `#!/bin/sh\nprintf '%s' "$1" > ${JSON.stringify(opened)}\n`);
    chmodSync(fakeBrowser, 0o755);
    const own = await startPageCommand(['--open'], { ...process.env, BROWSER: fakeBrowser });
    try {
      await expect.poll(() => readFileSync(opened, 'utf8'), { timeout: 30_000 }).toBe(own.url);
    } finally {
      await own.stop();
    }
  });

  it('a --port another program holds is a usage error that says to choose another (exit 2)', async () => {
    const { port } = new URL(server.url);
    const r = await runCliAsync(['page', '--port', port]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^fnnx-kit: port ${port} on 127\\.0\\.0\\.1 is taken by another program \\(BAD_OPTION\\)\\n  hint: .*--port`),
    );
    const bad = await runCliAsync(['page', '--port', 'http']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('(BAD_OPTION)');
  });
});
