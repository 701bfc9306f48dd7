#!/usr/bin/env node
/**
 * Reading a large model card: `card show` (the CLI, Node) and `readNewestCard` in Chromium (the
 * library bundle over HTTP ranges), on an artifact whose card zip holds one deflated index.html of
 * `--mib` MiB of table rows (about 6:1 compressed, as HTML reports are). Node runs the CLI with
 * stdout to /dev/null under GNU time (wall, CPU, peak RSS); the page times readNewestCard itself,
 * and its renderer's CPU is read from /proc. Contenders alternate round by round; medians.
 * A second table times inflating the same deflate stream in Node with DecompressionStream
 * ('deflate-raw', what the shared zip reader uses) against node:zlib's createInflateRaw, both fed
 * 1 MiB chunks: the measurement behind the reader's choice (docs/design.md, Libraries).
 * Needs `npm run build` and `npm run build:web`, and Debian's chromium.
 *
 *   node bench/card-read.mjs [--runs 3] [--mib 240]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createInflateRaw, deflateRawSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import yazl from 'yazl';
import { startLoopbackServer } from './lib/loopback-server.mjs';
import { median, table } from './lib/measure.mjs';
import { cpuByProcessType, cpuSpent } from './lib/process-cpu.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const RUNS = Number(arg('--runs', '3'));
const MiB = 2 ** 20;
const SIZE = Number(arg('--mib', '240')) * MiB;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CARD_ID = 'dataforce.studio~c~~c~model_card~c~v1~~et~~0123456789abcdef0123456789abcdef';

/** `size` bytes of HTML table rows: numbers and repeated markup, as a generated report has. */
function page(size) {
  const out = Buffer.alloc(size);
  let at = 0;
  for (let i = 0; at < size; i++)
    at += out.write(`<tr><td>row ${i}</td><td>${((i * 2654435761) >>> 0).toString(16)}</td><td>${i % 977}</td></tr>\n`, at);
  return out;
}

function zipOf(name, bytes) {
  const zip = new yazl.ZipFile();
  zip.addBuffer(bytes, name, { compress: true, mtime: new Date(0) });
  zip.end();
  return new Promise((resolve, reject) => {
    const parts = [];
    zip.outputStream.on('data', (c) => parts.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

/** The artifact as GNU tar writes a folder: root files, then the card at the registry's path. */
async function writeArtifact(dir, html) {
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'meta_artifacts', CARD_ID), { recursive: true });
  const manifest = {
    variant: 'pipeline',
    producer_name: 'bench',
    producer_version: '0',
    producer_tags: [],
    inputs: [],
    outputs: [],
    dynamic_attributes: [],
    env_vars: [],
  };
  const files = {
    'manifest.json': JSON.stringify(manifest),
    'ops.json': '[]',
    'variant_config.json': '{"nodes":[]}',
    'dtypes.json': '{}',
    'env.json': '{}',
  };
  files['meta.json'] = JSON.stringify([
    { id: CARD_ID, producer: 'bench', producer_version: '0', producer_tags: ['dataforce.studio::model_card:v1'], payload: {} },
  ]);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(tree, name), text);
  const zip = await zipOf('index.html', html);
  writeFileSync(join(tree, 'meta_artifacts', CARD_ID, 'model_card.zip'), zip);
  const path = join(dir, 'card.fnnx');
  execFileSync('tar', ['--format=pax', '-C', tree, '-cf', path, ...Object.keys(files), `meta_artifacts/${CARD_ID}/model_card.zip`]);
  return { path, zipBytes: zip.length };
}

/** `card show` with stdout to /dev/null, under GNU time. */
function cardShow(path) {
  return new Promise((resolve, reject) => {
    const sink = openSync('/dev/null', 'w');
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', process.execPath, join(root, 'bin/fnnx-kit.cjs'), 'card', 'show', path], {
      stdio: ['ignore', sink, 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b) => (err += b));
    child.on('close', (code) => {
      closeSync(sink);
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`card show exited ${code}: ${err}`));
      const [rss, user, sys] = err.trim().split('\n').at(-1).split(' ').map(Number);
      resolve({ ms, rssKiB: rss, cpuMs: (user + sys) * 1000 });
    });
  });
}

const PAGE = `<!doctype html><html><body><script type="module">
  import * as web from './lib/fnnx-kit-web.js';
  window.readCard = async (url) => {
    const store = await web.openUrl(url);
    const t0 = performance.now();
    const { html } = await web.readNewestCard(store);
    return { ms: performance.now() - t0, size: html.length };
  };
  document.body.dataset.state = 'ready';
</script></body></html>`;

async function pageRead(browser, server) {
  const p = await browser.newPage();
  await p.goto(server.url('card.html'));
  await p.waitForFunction(() => document.body.dataset.state === 'ready');
  await settle();
  const before = cpuByProcessType('chromium');
  const got = await p.evaluate((url) => window.readCard(url), server.url('card.fnnx'));
  const cpu = cpuSpent(before, cpuByProcessType('chromium'));
  await p.close();
  if (got.size !== SIZE) throw new Error(`the page read ${got.size} bytes, not ${SIZE}`);
  return { ms: got.ms, cpuMs: Object.values(cpu).reduce((a, b) => a + b, 0) * 1000 };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

/** Inflating one deflate stream fed in 1 MiB chunks, the two ways Node can. */
async function inflateBoth(deflated) {
  const chunks = () => Array.from({ length: Math.ceil(deflated.length / MiB) }, (_, i) => deflated.subarray(i * MiB, (i + 1) * MiB));
  const viaStream = async () => {
    const parts = chunks();
    const input = new ReadableStream({ pull: (c) => (parts.length ? c.enqueue(new Uint8Array(parts.shift())) : c.close()) });
    let n = 0;
    for await (const out of input.pipeThrough(new DecompressionStream('deflate-raw'))) n += out.length;
    return n;
  };
  const viaZlib = async () => {
    const inflate = createInflateRaw();
    Readable.from(chunks()).pipe(inflate);
    let n = 0;
    for await (const out of inflate) n += out.length;
    return n;
  };
  const runs = { stream: [], zlib: [] };
  for (let i = 0; i < RUNS * 2; i++) {
    for (const [k, f] of i % 2
      ? [
          ['zlib', viaZlib],
          ['stream', viaStream],
        ]
      : [
          ['stream', viaStream],
          ['zlib', viaZlib],
        ]) {
      const [t0, cpu0] = [performance.now(), process.cpuUsage()];
      if ((await f()) !== SIZE) throw new Error(`${k} inflated the wrong size`);
      const { user, system } = process.cpuUsage(cpu0);
      runs[k].push({ ms: performance.now() - t0, cpuMs: (user + system) / 1000 });
    }
  }
  return runs;
}

const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-card-'));
try {
  const html = page(SIZE);
  const { path, zipBytes } = await writeArtifact(dir, html);
  writeFileSync(join(dir, 'card.html'), PAGE);
  symlinkSync(join(root, 'dist-web/lib'), join(dir, 'lib'));
  const server = await startLoopbackServer(dir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const runs = { node: [], page: [] };
  try {
    for (let i = 0; i < RUNS; i++) {
      await settle();
      runs.node.push(await cardShow(path));
      runs.page.push(await pageRead(browser, server));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');
  console.log(`card: index.html ${SIZE / MiB} MiB, zip ${(zipBytes / MiB).toFixed(1)} MiB; ${RUNS} alternating rounds; load ${load}`);
  const ms = (list) => median(list.map((r) => r.ms));
  table([
    ['reader', 'median s', 'MiB/s', 'CPU s', 'peak RSS MiB'],
    [
      'card show (CLI, Node)',
      (ms(runs.node) / 1000).toFixed(2),
      (SIZE / MiB / (ms(runs.node) / 1000)).toFixed(0),
      (median(runs.node.map((r) => r.cpuMs)) / 1000).toFixed(2),
      (median(runs.node.map((r) => r.rssKiB)) / 1024).toFixed(0),
    ],
    [
      'readNewestCard (Chromium, by URL)',
      (ms(runs.page) / 1000).toFixed(2),
      (SIZE / MiB / (ms(runs.page) / 1000)).toFixed(0),
      (median(runs.page.map((r) => r.cpuMs)) / 1000).toFixed(2),
      '–',
    ],
  ]);
  const inflate = await inflateBoth(deflateRawSync(html));
  table([
    ['Node inflate, 1 MiB chunks in', 'median s', 'best s', 'median CPU s'],
    ...[
      ["DecompressionStream('deflate-raw')", inflate.stream],
      ['node:zlib createInflateRaw', inflate.zlib],
    ].map(([label, list]) => [
      label,
      (median(list.map((r) => r.ms)) / 1000).toFixed(2),
      (Math.min(...list.map((r) => r.ms)) / 1000).toFixed(2),
      (median(list.map((r) => r.cpuMs)) / 1000).toFixed(2),
    ]),
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
