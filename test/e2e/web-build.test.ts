/**
 * The browser bundle builds artifacts in Chromium: a page script gives newFromOnnx ONNX models as
 * Blobs, packs them with buildArtifact (wasmHasher), and the SHA-256 of what it wrote equals
 * Node's build of the same models, byte for byte.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_FILE_NAME, CHAIN_OPTIONS, chainModels, nodeBuild, type ModelFile } from '../helpers/onnx-chain.js';
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
  for (const m of models) writeFileSync(join(data, m.name), m.bytes);
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
