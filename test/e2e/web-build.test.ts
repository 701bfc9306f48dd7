/**
 * Building artifacts in Chromium: a page script gives the bundle's newFromOnnx ONNX models as
 * Blobs and packs them with buildArtifact (wasmHasher); the inspector page's "new from ONNX
 * models" does the same from picked files and offers the result for download. Either way the
 * bytes equal Node's build of the same models.
 */
import { createHash } from 'node:crypto';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_FILE_NAME, CHAIN_OPTIONS, chainModels, externalDataModel, nodeBuild, type ModelFile } from '../helpers/onnx-chain.js';
import { tempDir } from '../helpers/paths.js';
import { startRangeServer, type RangeServer } from '../helpers/range-server.js';
import { launchChromium } from './support/browser.js';

/**
 * The page: fetches each model as a Blob, builds, and returns the artifact's SHA-256 taken with
 * WebCrypto (not the bundle's own hasher) and the descriptor the build computed alongside.
 */
const PAGE = `<!doctype html>
<html><body><script type="module">
  import * as web from './lib/fnnx-kit-web.js';
  window.buildFromOnnx = async (names, options, fileName) => {
    const models = [];
    for (const name of names) models.push({ name, source: new web.BlobSource(await (await fetch(name)).blob()) });
    const input = await web.newFromOnnx(models, options);
    const chunks = [];
    const result = await web.buildArtifact(input, (c) => void chunks.push(c.slice()), { fileName, hasher: web.wasmHasher });
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return { sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''), size: bytes.length, descriptor: result.descriptor };
  };
  document.body.dataset.state = 'ready';
</script></body></html>
`;

/** The inspector page, built by the e2e global setup. */
const PAGE_DIR = fileURLToPath(new URL('../../dist-web/page/', import.meta.url));

let data: string;
let models: ModelFile[];
let server: RangeServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  data = tempDir('fnnx-e2e-build-');
  // The library bundle as `npm run build:web` makes it, served beside the page.
  await build({ configFile: 'vite.web.config.ts', logLevel: 'warn', build: { outDir: join(data, 'lib'), emptyOutDir: true } });
  writeFileSync(join(data, 'build.html'), PAGE);
  models = chainModels();
  for (const m of [...models, externalDataModel()]) {
    writeFileSync(join(data, m.name), m.bytes);
    for (const [name, bytes] of Object.entries(m.beside ?? {})) writeFileSync(join(data, name), bytes);
  }
  symlinkSync(PAGE_DIR, join(data, 'page'));
  server = await startRangeServer(data);
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('building in the browser', () => {
  it('newFromOnnx + buildArtifact on Blob models write the bytes Node writes: same SHA-256, size and descriptor', async () => {
    await page.goto(`${server.origin}/build.html`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    const got = await page.evaluate(
      ([names, options, fileName]) =>
        (
          window as unknown as { buildFromOnnx: (...a: unknown[]) => Promise<{ sha256: string; size: number; descriptor: unknown }> }
        ).buildFromOnnx(names, options, fileName),
      [models.map((m) => m.name), CHAIN_OPTIONS, CHAIN_FILE_NAME] as const,
    );
    const expected = await nodeBuild(models);
    expect(got.size).toBe(expected.bytes.length);
    expect(got.sha256).toBe(expected.sha256);
    expect(got.descriptor).toEqual(expected.result.descriptor);
  });
});

/** Picks the files in the page's "new from ONNX models" field, waits for the build, and downloads the artifact. */
async function buildOnPage(names: string[]): Promise<{ name: string; bytes: Buffer }> {
  await page.goto(`${server.origin}/page/index.html`);
  await page.setInputFiles(
    '#onnx',
    names.map((n) => join(data, n)),
  );
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));
  expect(await page.evaluate(() => (document.getElementById('error')!.hidden ? '' : document.getElementById('error')!.textContent))).toBe(
    '',
  );
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('the page: new from ONNX models', () => {
  it('builds a chain from the picked models in the order given, shows it sound, and downloads the bytes Node builds', async () => {
    const got = await buildOnPage(models.map((m) => m.name));
    expect(got.name).toBe('scaler.fnnx');
    expect(sha256(got.bytes)).toBe((await nodeBuild(models, {})).sha256);
    expect(await page.$$eval('[data-testid="ops-table"] tbody tr', (rows) => rows.map((r) => r.children[0]!.textContent!.trim()))).toEqual([
      'scaler',
      'reg',
    ]);
    await page.getByRole('tab', { name: 'Validation' }).click();
    expect(await page.textContent('[data-testid="validation-verdict"]')).toMatch(/^Sound: 0 errors, 0 warnings/);
    // Opening another artifact takes the built one's download link away with its views.
    writeFileSync(join(data, 'built.fnnx'), got.bytes);
    await page.setInputFiles('#file', join(data, 'built.fnnx'));
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    expect(await page.isHidden('#download')).toBe(true);
  });

  it('packs a model’s external data file picked beside it', async () => {
    const model = externalDataModel();
    const got = await buildOnPage([model.name, ...Object.keys(model.beside!)]);
    expect(sha256(got.bytes)).toBe((await nodeBuild([model], {})).sha256);
    expect(got.bytes.includes(Buffer.from('ops_artifacts/ext/ext.weights'))).toBe(true);
  });

  it('says in one line why a model cannot be packed when its external data is not picked', async () => {
    await page.goto(`${server.origin}/page/index.html`);
    await page.setInputFiles('#onnx', join(data, 'ext.onnx'));
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));
    expect(await page.textContent('#error')).toContain('ONNX_EXTERNAL_DATA_MISSING');
    expect(await page.isHidden('#download')).toBe(true);
  });
});
