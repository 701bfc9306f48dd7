/**
 * The inspector page in headless Chromium, against the built page served on 127.0.0.1: local files
 * and URLs are opened as a person would, and what the page shows is checked against the bytes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSHA256 } from 'hash-wasm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSource } from '../../src/node/file-source.js';
import { validate } from '../../src/validate/validate.js';
import { runCli } from '../helpers/cli.js';
import { pythonFileIndex } from '../helpers/python.js';
import { tempDir } from '../helpers/paths.js';
import { CARD_HTML, writeBigArtifact, writeCardArtifact } from './support/artifacts.js';
import { launchChromium } from './support/browser.js';
import { rendererPeakRss } from './support/process-memory.js';
import { startRangeServer, type RangeServer } from '../helpers/range-server.js';

const PAGE_DIR = fileURLToPath(new URL('../../dist-web/page/', import.meta.url));
const GiB = 1024 ** 3;
const PAGE_URL = () => `${server.origin}/page/index.html`;
const MiB = 1024 ** 2;
// FNNX_SCREENSHOTS=docs/screenshots refreshes the README's pictures; otherwise they go to a temp dir.
const SHOTS = process.env.FNNX_SCREENSHOTS ?? join(tempDir('fnnx-shots-'), 'shots');

let data: string;
let server: RangeServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  data = tempDir('fnnx-e2e-');
  mkdirSync(SHOTS, { recursive: true });
  await writeCardArtifact(join(data, 'linear_pipeline.fnnx'));
  await writeBigArtifact(join(data, 'big_model.luml'), tempDir('fnnx-e2e-scratch-'));
  writeFileSync(join(data, 'not_an_artifact.fnnx'), 'hello, I am plain text and certainly not a tar archive\n'.repeat(20));
  // One origin serves the page and the artifacts, as a registry serves its page and presigned URLs.
  symlinkSync(PAGE_DIR, join(data, 'page'));
  server = await startRangeServer(data);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openLocal(name: string): Promise<void> {
  await page.goto(PAGE_URL());
  await page.setInputFiles('#file', join(data, name));
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));
}

async function tab(name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
}

const cells = (testid: string) =>
  page.$$eval(`[data-testid="${testid}"] tbody tr`, (rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent!.trim())));

describe('inspector page', () => {
  it('shows the manifest summary, the IO table and the ops of a local artifact', async () => {
    await openLocal('linear_pipeline.fnnx');
    expect(await page.textContent('[data-testid="manifest-summary"]')).toContain('pipeline');
    expect(await cells('io-table')).toEqual([
      ['input', 'x', 'NDJSON', 'Array[float32]', '[]', '—'],
      ['output', 'y4', 'NDJSON', 'Array[float32]', '[]', '—'],
    ]);
    const ops = await cells('ops-table');
    expect(ops.map((r) => r[0]).sort()).toEqual(['concat_reduce', 'linreg', 'linreg2', 'linreg3']);
    expect(ops.every((r) => r[1] === 'ONNX_v1')).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'summary.png') });
  });

  it('lists metadata entries, the legacy card entry among them, and the registry metrics', async () => {
    await tab('Metadata');
    const entries = await cells('metadata-table');
    expect(entries.map((r) => [r[0], r[5]])).toEqual([
      ['metrics', 'conforms'],
      [expect.stringContaining('model_card'), 'legacy {id, tags, payload}'],
    ]);
    expect(await cells('metrics-table')).toEqual([
      ['rmse', '0.125'],
      ['r2', '0.97'],
    ]);
    await page.screenshot({ path: join(SHOTS, 'metadata.png') });
  });

  it('shows the member tree with each member’s size in bytes', async () => {
    await tab('Members');
    const sizes = await page.$$eval('[data-testid="member-tree"] li.file', (items) =>
      Object.fromEntries(
        items.map((li) => [li.getAttribute('data-member'), Number(li.querySelector('[data-bytes]')!.getAttribute('data-bytes'))]),
      ),
    );
    const index = pythonFileIndex(join(data, 'linear_pipeline.fnnx'));
    expect(sizes).toEqual(Object.fromEntries(Object.entries(index).map(([name, [, size]]) => [name, size])));
    await page.screenshot({ path: join(SHOTS, 'members.png') });
  });

  it('renders the model card’s index.html in a sandboxed iframe that runs no scripts', async () => {
    await tab('Model card');
    const frame = page.locator('[data-testid="card-frame"]');
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.evaluate((f: HTMLIFrameElement) => f.srcdoc)).toBe(CARD_HTML);
    const inner = page.frameLocator('[data-testid="card-frame"]');
    await expect.poll(() => inner.locator('#card-title').textContent()).toBe('Linear pipeline card');
    expect(await page.frames()[1]!.title()).not.toBe('ran');
    await page.screenshot({ path: join(SHOTS, 'card.png') });
  });

  it('shows the validation report the Node validator gives the same file, upload rules included', async () => {
    const path = join(data, 'linear_pipeline.fnnx');
    const source = await FileSource.open(path);
    const expected = await validate(source, { upload: { fileName: 'linear_pipeline.fnnx', size: source.byteLength, form: 'tar' } });
    await source.close();
    await tab('Validation');
    await page.waitForSelector('[data-testid="validation-verdict"]');
    const rows = (await cells('validation-table')).map((r) => `${r[0]} ${r[1]} ${r[2]}`);
    const want = expected.diagnostics.map((d) => `${d.severity} ${d.code} ${d.member ?? '(artifact)'}`);
    expect(rows.sort()).toEqual(want.sort());
    // The corpus's ops.json disagrees with its own models: the report must say so.
    expect(expected.valid).toBe(false);
    expect(await page.textContent('[data-testid="validation-verdict"]')).toBe(
      `Broken: ${expected.counts.error} errors, ${expected.counts.warning} warning${expected.counts.warning === 1 ? '' : 's'}, ${expected.counts.info} note${expected.counts.info === 1 ? '' : 's'}`,
    );
    await page.screenshot({ path: join(SHOTS, 'validation.png') });
  });

  it('counts warnings as errors when the strict switch is on', async () => {
    expect((await cells('validation-table')).some((r) => r[0] === 'warning')).toBe(true);
    await page.getByLabel(/^Strict/).check();
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    const severities = (await cells('validation-table')).map((r) => r[0]);
    expect(severities).not.toContain('warning');
    expect(severities).toContain('error');
    await page.getByLabel(/^Strict/).uncheck();
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
  });

  it('moves between views with the arrow keys, as a tab list should', async () => {
    await page.getByRole('tab', { name: 'Summary' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-metadata');
    expect(await page.isVisible('#panel-metadata')).toBe(true);
    expect(await page.isVisible('#panel-summary')).toBe(false);
    await page.keyboard.press('End');
    expect(await page.getAttribute('#tab-compare', 'aria-selected')).toBe('true');
  });

  it('says in one line why a file that is not a tar cannot be read, and clears the last artifact’s views', async () => {
    await openLocal('linear_pipeline.fnnx');
    expect(await page.isVisible('#views')).toBe(true);
    await page.setInputFiles('#file', join(data, 'not_an_artifact.fnnx'));
    await page.waitForFunction(() => document.body.dataset.state === 'error');
    const line = (await page.textContent('#error'))!;
    expect(line).toMatch(/not a tar archive .*\(NOT_A_TAR\)/);
    expect(line.split('\n')).toHaveLength(1);
    expect(await page.isVisible('#views')).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'error.png') });
  });

  it('inspects a 1 GiB artifact by URL with Range requests only, under 1 MiB transferred', async () => {
    await page.goto(PAGE_URL());
    const before = server.requests.length;
    await page.fill('#url', `${server.url('big_model.luml')}?X-Amz-Signature=secret`);
    await page.getByRole('button', { name: 'Open URL' }).click();
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));
    expect(await page.textContent('#error')).toBe('');
    const ops = await cells('ops-table');
    expect(ops).toHaveLength(4);
    // The card lies after the 1 GiB hole: reaching it proves the reader jumped there by range.
    await tab('Model card');
    await expect
      .poll(() => page.frameLocator('[data-testid="card-frame"]').locator('#card-title').textContent())
      .toBe('Linear pipeline card');
    const fetched = server.requests.slice(before).filter((r) => r.path.startsWith('/big_model.luml'));
    expect(fetched.length).toBeGreaterThan(1);
    for (const r of fetched) {
      expect(r.range).toMatch(/^bytes=\d+-\d+$/);
      expect(r.status).toBe(206);
    }
    const total = fetched.reduce((n, r) => n + r.bytes, 0);
    console.log(`URL inspection of a ${(GiB + 0).toLocaleString('en')}-byte artifact: ${fetched.length} range requests, ${total} bytes`);
    expect(total).toBeLessThan(MiB);
    expect(await page.textContent('[data-testid="manifest-summary"]')).not.toContain('secret');
  });

  it('computes the upload descriptor of a 1 GiB file equal to the CLI’s describe, node:crypto’s SHA-256 and Python’s index', async () => {
    const path = join(data, 'big_model.luml');
    await openLocal('big_model.luml');
    await tab('Upload descriptor');
    await page.getByRole('button', { name: 'Compute upload descriptor' }).click();
    await page.waitForFunction(() => ['described', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 180_000 });
    const descriptor = JSON.parse((await page.textContent('[data-testid="descriptor-json"]'))!) as Record<string, unknown>;
    const pageSeconds = Number(await page.getAttribute('[data-testid="hash-seconds"]', 'data-seconds'));
    expect(await page.evaluate(() => (document.getElementById('hash-progress') as HTMLProgressElement).value)).toBe(1);
    // The page never held the file: its renderer (page and hashing worker) peaked far below 1 GiB.
    // Chromium is a child of this test process, so its renderers are among our descendants.
    const peak = rendererPeakRss(process.pid);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(300 * MiB);
    await page.screenshot({ path: join(SHOTS, 'descriptor.png') });

    const expected = await nodeDigests(path);
    expect(descriptor.file_name).toBe('big_model.luml');
    expect(descriptor.size).toBe(expected.size);
    expect(descriptor.file_hash).toBe(expected.sha256);
    expect(descriptor.file_index).toEqual(pythonFileIndex(path));
    expect(descriptor.metrics).toEqual({ rmse: 0.125, r2: 0.97 });
    const cli = runCli(['describe', path, '--quiet']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(descriptor).toEqual(JSON.parse(cli.stdout));
    const ratio = expected.hashWasmSeconds / pageSeconds;
    console.log(`renderer peak RSS while hashing 1 GiB: ${(peak / MiB).toFixed(0)} MiB`);
    console.log(
      `hash 1 GiB: page ${(expected.size / MiB / pageSeconds).toFixed(0)} MiB/s, hash-wasm in Node ${(expected.size / MiB / expected.hashWasmSeconds).toFixed(0)} MiB/s, page/Node ${ratio.toFixed(2)}`,
    );
  });
});

/** The reference digest (node:crypto), and hash-wasm's own speed in Node over the same file. */
async function nodeDigests(path: string): Promise<{ sha256: string; size: number; hashWasmSeconds: number }> {
  const reference = createHash('sha256');
  let size = 0;
  for await (const chunk of chunksOf(path)) {
    reference.update(chunk);
    size += chunk.length;
  }
  const sha256 = reference.digest('hex');
  const wasm = await createSHA256();
  const t0 = performance.now();
  for await (const chunk of chunksOf(path)) wasm.update(chunk);
  const hashWasmSeconds = (performance.now() - t0) / 1000;
  expect(wasm.digest('hex')).toBe(sha256);
  return { sha256, size, hashWasmSeconds };
}

async function* chunksOf(path: string, chunkSize = 4 * MiB): AsyncGenerator<Uint8Array> {
  const file = await open(path);
  const buffer = Buffer.alloc(chunkSize);
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, chunkSize);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}
