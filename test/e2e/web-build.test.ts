/**
 * Building artifacts in Chromium: a page script gives the bundle's newFromOnnx ONNX models as
 * Blobs and packs them with buildArtifact (wasmHasher); the inspector page's "new from ONNX
 * models" does the same from picked files and offers the result for download. Either way the
 * bytes equal Node's build of the same models.
 */
import { createHash } from 'node:crypto';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import type { NewOnnxOptions } from '../../src/build/new-onnx.js';
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
/** What the page writes as the producer's version when its field is left empty, as `fnnx-kit new` does. */
const KIT_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

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

/**
 * Picks the files in the page's "new from ONNX models" field, fills in the manifest fields given,
 * builds, and downloads the artifact.
 */
async function buildOnPage(names: string[], fields: Record<string, string> = {}): Promise<{ name: string; bytes: Buffer }> {
  await page.goto(`${server.origin}/page/index.html`);
  await page.setInputFiles(
    '#onnx',
    names.map((n) => join(data, n)),
  );
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Build artifact' }).click();
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));
  expect(
    await page.evaluate(() => (document.getElementById('build-error')!.hidden ? '' : document.getElementById('build-error')!.textContent)),
  ).toBe('');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('the page: new from ONNX models', () => {
  it('builds a chain from the picked models in the order given, shows it sound, and downloads the bytes Node builds', async () => {
    const got = await buildOnPage(models.map((m) => m.name));
    expect(got.name).toBe('scaler.fnnx');
    // Fields left empty: no name or version, and this kit as the producer, as `fnnx-kit new` writes.
    const defaults: NewOnnxOptions = { producerName: 'fnnx-kit', producerVersion: KIT_VERSION };
    expect(sha256(got.bytes)).toBe((await nodeBuild(models, defaults)).sha256);
    expect(await page.textContent('[data-testid="manifest-summary"]')).toContain(`Producerfnnx-kit ${KIT_VERSION}`);
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

  it('writes the name, version and producer typed into its fields, and names the file after the model', async () => {
    const got = await buildOnPage(
      models.map((m) => m.name),
      {
        Name: CHAIN_OPTIONS.name,
        Version: CHAIN_OPTIONS.version,
        'Producer name': CHAIN_OPTIONS.producerName,
        'Producer version': CHAIN_OPTIONS.producerVersion,
      },
    );
    expect(got.name).toBe(CHAIN_FILE_NAME);
    expect(sha256(got.bytes)).toBe((await nodeBuild(models, CHAIN_OPTIONS)).sha256);
    const summary = await page.textContent('[data-testid="manifest-summary"]');
    expect(summary).toContain(`Name${CHAIN_OPTIONS.name}`);
    expect(summary).toContain(`Version${CHAIN_OPTIONS.version}`);
    expect(summary).toContain(`Produceracme-train 0.3`);
  });

  it('packs a model’s external data file picked beside it', async () => {
    const model = externalDataModel();
    const got = await buildOnPage([model.name, ...Object.keys(model.beside!)]);
    expect(sha256(got.bytes)).toBe((await nodeBuild([model], { producerName: 'fnnx-kit', producerVersion: KIT_VERSION })).sha256);
    expect(got.bytes.includes(Buffer.from('ops_artifacts/ext/ext.weights'))).toBe(true);
  });

  it('says in one line, beside the build button, why a model cannot be packed when its external data is not picked', async () => {
    await page.goto(`${server.origin}/page/index.html`);
    await page.setInputFiles('#onnx', join(data, 'ext.onnx'));
    await page.getByRole('button', { name: 'Build artifact' }).click();
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));
    expect(await page.textContent('#build-error')).toContain('ONNX_EXTERNAL_DATA_MISSING');
    expect(await page.isHidden('#error')).toBe(true);
    expect(await page.isHidden('#download')).toBe(true);
  });

  it('asks for models when Build is pressed with none picked', async () => {
    await page.goto(`${server.origin}/page/index.html`);
    await page.getByRole('button', { name: 'Build artifact' }).click();
    expect(await page.textContent('#build-error')).toMatch(/pick one or more \.onnx models first.*\(NO_MODELS\)/);
  });
});
