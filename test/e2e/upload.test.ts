/**
 * The page's upload step in headless Chromium against s3rver (CORS configured, another origin
 * than the page): a local artifact is described, pasted details are followed, and what lands in
 * the bucket is compared with the file's bytes.
 */
import { readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initiateMultipartUpload } from '../../src/node/upload-file.js';
import { tempDir } from '../helpers/paths.js';
import { startRangeServer, type RangeServer } from '../helpers/range-server.js';
import { initiateDetails, objectBytes, partsDetails, singleDetails, startS3, type S3Fixture } from '../helpers/s3-server.js';
import { writeCardArtifact } from './support/artifacts.js';
import { launchChromium } from './support/browser.js';

const PAGE_DIR = fileURLToPath(new URL('../../dist-web/page/', import.meta.url));
let data: string;
let server: RangeServer;
let s3: S3Fixture;
let browser: Browser;
let page: Page;
let artifact: string;

beforeAll(async () => {
  data = tempDir('fnnx-e2e-up-');
  artifact = join(data, 'linear_pipeline.fnnx');
  await writeCardArtifact(artifact);
  symlinkSync(PAGE_DIR, join(data, 'page'));
  server = await startRangeServer(data);
  s3 = await startS3({ cors: true });
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await s3?.close();
});

/** Opens the artifact, computes its descriptor, pastes the details and clicks Upload. */
async function uploadThroughPage(details: unknown): Promise<string> {
  await page.goto(`${server.origin}/page/index.html`);
  await page.setInputFiles('#file', artifact);
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));
  await page.getByRole('tab', { name: 'Upload descriptor' }).click();
  await page.click('#describe');
  await page.waitForFunction(() => ['described', 'error'].includes(document.body.dataset.state ?? ''));
  await page.fill('#upload-details', JSON.stringify(details));
  await page.click('#upload');
  await page.waitForFunction(() => ['uploaded', 'error'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 30_000 });
  const error = await page.locator('#upload-error').textContent();
  expect(await page.evaluate(() => document.body.dataset.state), error ?? '').toBe('uploaded');
  return (await page.locator('#upload-result').textContent()) ?? '';
}

describe('page upload step (Chromium → s3rver)', { timeout: 90_000 }, () => {
  it('a single PUT from the page lands the file byte for byte', async () => {
    const key = 'page-single.fnnx';
    const message = await uploadThroughPage(await singleDetails(s3, key));
    expect(message).toMatch(/one PUT; SHA-256 [0-9a-f]{64} verified/);
    expect((await objectBytes(s3, key))?.equals(readFileSync(artifact))).toBe(true);
  });

  it('a multipart upload from the page sends Blob slices in parallel, reads the ETags (CORS) and completes', async () => {
    const key = 'page-multi.fnnx';
    const size = statSync(artifact).size;
    const uploadId = await initiateMultipartUpload((await initiateDetails(s3, key)).url);
    const partSize = Math.ceil(size / 3);
    const message = await uploadThroughPage(await partsDetails(s3, key, uploadId, size, partSize));
    expect(message).toContain('3 part(s) sent');
    expect((await objectBytes(s3, key))?.equals(readFileSync(artifact))).toBe(true);
  });

  it('pasted details of a multipart upload not yet started start it in the page and show the upload id', async () => {
    const message = await uploadThroughPage(await initiateDetails(s3, 'page-init.fnnx'));
    expect(message).toMatch(/upload id \S+/);
  });
});
