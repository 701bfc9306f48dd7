/**
 * The inspector page's steps as a new user meets them, in Chromium, with the page served by
 * `fnnx-kit page` and artifacts on other origins (as a registry's presigned URLs are): what the
 * page says when a server's CORS rules block a read, that a superseded load leaves no stale error,
 * that each error shows beside the step that failed, what the Upload button waits for, that
 * every view fits the window, and how a small file's hashing rate reads.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/paths.js';
import { startRangeServer, type RangeServer } from '../helpers/range-server.js';
import { CARD_ID, writeCardArtifact } from './support/artifacts.js';
import { launchChromium } from './support/browser.js';
import { startPageCommand, type PageCommand } from './support/page-command.js';
import { formatRate } from '../../web/dom.js';

const ARTIFACT = 'linear_pipeline.fnnx';
const EXPOSED = ['Content-Range', 'Content-Length', 'ETag'];

let data: string;
let pageServer: PageCommand;
/** Servers of other origins than the page's: no CORS at all, CORS without exposed headers, CORS as the error says. */
let noCors: RangeServer;
let hidden: RangeServer;
let cors: RangeServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  data = tempDir('fnnx-e2e-steps-');
  await writeCardArtifact(join(data, ARTIFACT));
  pageServer = await startPageCommand();
  noCors = await startRangeServer(data);
  hidden = await startRangeServer(data, { cors: { exposeHeaders: [] } });
  cors = await startRangeServer(data, { cors: { exposeHeaders: EXPOSED } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([noCors?.close(), hidden?.close(), cors?.close()]);
  if (pageServer && pageServer.child.exitCode === null) await pageServer.stop();
});

const settled = () => page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));

async function openUrl(url: string): Promise<void> {
  await page.goto(pageServer.url);
  await page.fill('#url', url);
  await page.getByRole('button', { name: 'Open URL' }).click();
  await settled();
}

async function openLocal(name: string): Promise<void> {
  await page.goto(pageServer.url);
  await page.setInputFiles('#file', join(data, name));
  await settled();
}

/** The text of an error line if it is shown, else ''. */
const shownError = (id: string) =>
  page.evaluate((el) => (document.getElementById(el)!.hidden ? '' : document.getElementById(el)!.textContent), id);

describe('the page names CORS when a server’s rules block a read', () => {
  it('a server without CORS fails at once with CORS_BLOCKED, naming Access-Control-Allow-Origin and the headers to expose', async () => {
    noCors.reset();
    await openUrl(`${noCors.url(ARTIFACT)}?X-Amz-Signature=secret`);
    const line = await shownError('error');
    expect(line).toContain('(CORS_BLOCKED)');
    expect(line).toContain(`Access-Control-Allow-Origin: ${new URL(pageServer.url).origin} (or *)`);
    expect(line).toContain('Access-Control-Expose-Headers: Content-Range, Content-Length, ETag');
    expect(line).toContain('Access-Control-Allow-Headers: Range');
    expect(line).not.toContain('secret');
    // Not retried as a network error: one refused read and one probe, then the answer.
    expect(noCors.requests.map((r) => r.method)).toEqual(['GET', 'HEAD']);
  });

  it('a server that allows the page but does not expose Content-Range fails with CORS_BLOCKED naming Access-Control-Expose-Headers', async () => {
    hidden.reset();
    await openUrl(hidden.url(ARTIFACT));
    const line = await shownError('error');
    expect(line).toMatch(/hid the reply's Content-Range \(CORS\).*\(CORS_BLOCKED\)/);
    expect(line).toContain('Access-Control-Expose-Headers: Content-Range, Content-Length, ETag');
    expect(line).not.toContain('BAD_RANGE_REPLY');
    expect(hidden.requests).toHaveLength(1);
  });

  it('a server sending the headers the error names opens the artifact', async () => {
    await openUrl(cors.url(ARTIFACT));
    expect(await shownError('error')).toBe('');
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    expect(await page.textContent('[data-testid="manifest-summary"]')).toContain('pipeline');
  });

  it('a port nothing listens on stays a network error, not CORS', async () => {
    const closed = await startRangeServer(data);
    const url = closed.url(ARTIFACT);
    await closed.close();
    await openUrl(url);
    const line = await shownError('error');
    expect(line).toContain('(NETWORK_ERROR)');
    expect(line).not.toContain('CORS');
  });
});

describe('errors belong to what is on screen, beside the step that failed', () => {
  it('picking a file while a URL loads shows the file, without the abandoned URL’s ABORTED', async () => {
    cors.reset();
    // The URL's reply never finishes: its load is still running when the file is picked.
    cors.inject({ kind: 'stall', afterBytes: 0 });
    await page.goto(pageServer.url);
    await page.fill('#url', cors.url(ARTIFACT));
    await page.getByRole('button', { name: 'Open URL' }).click();
    await expect.poll(() => cors.requests.length).toBe(1);
    await page.setInputFiles('#file', join(data, ARTIFACT));
    await settled();
    // Settled on the file; a late failure of the URL's load would still land afterwards, so wait for the views.
    await page.waitForSelector('[data-testid="validation-verdict"]', { state: 'attached' });
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    expect(await page.textContent('#status')).toContain(`${ARTIFACT}:`);
    for (const id of ['error', 'build-error', 'validation-error', 'describe-error', 'upload-error'])
      expect(await shownError(id), id).toBe('');
  });

  it('an upload failure shows beside the Upload button, not at the top of the page', async () => {
    await openLocal(ARTIFACT);
    await page.getByRole('tab', { name: 'Upload descriptor' }).click();
    await page.click('#describe');
    await page.waitForFunction(() => document.body.dataset.state === 'described');
    await page.fill('#upload-details', '{"type": "ftp", "url": "ftp://example.com/x"}');
    await page.click('#upload');
    await page.waitForFunction(() => document.body.dataset.state === 'error');
    expect(await shownError('upload-error')).toContain('(UPLOAD_DETAILS_INVALID)');
    expect(await shownError('error')).toBe('');
    const button = (await page.locator('#upload').boundingBox())!;
    const error = (await page.locator('#upload-error').boundingBox())!;
    expect(error.y).toBeGreaterThanOrEqual(button.y + button.height);
    expect(error.y - (button.y + button.height)).toBeLessThan(48);
    // Details that are not JSON at all say so, in the same place.
    await page.fill('#upload-details', '{"type": ');
    await page.click('#upload');
    await page.waitForFunction(() => document.body.dataset.state === 'error');
    expect(await shownError('upload-error')).toMatch(/upload details are not JSON.*\(UPLOAD_DETAILS_INVALID\)/);
  });

  it('the Upload button says what it waits for while it is disabled', async () => {
    const why = () => page.textContent('#upload-why');
    await openUrl(cors.url(ARTIFACT));
    await page.getByRole('tab', { name: 'Upload descriptor' }).click();
    expect(await page.isDisabled('#upload')).toBe(true);
    expect(await why()).toMatch(/^Open a local file/);
    expect(await page.getAttribute('#upload', 'aria-describedby')).toBe('upload-why');

    await page.setInputFiles('#file', join(data, ARTIFACT));
    await settled();
    await page.getByRole('tab', { name: 'Upload descriptor' }).click();
    expect(await page.isDisabled('#upload')).toBe(true);
    expect(await why()).toMatch(/^Compute the upload descriptor first/);

    await page.click('#describe');
    await page.waitForFunction(() => document.body.dataset.state === 'described');
    expect(await page.isDisabled('#upload')).toBe(true);
    expect(await why()).toBe('Paste the upload details first.');

    await page.fill('#upload-details', '{"type": "s3", "url": "http://127.0.0.1:9/x", "multipart": false}');
    expect(await page.isEnabled('#upload')).toBe(true);
    expect(await why()).toBe('');
  });
});

describe('layout and figures', () => {
  it('every view of an artifact with a long unbroken metadata id fits a 1280 px window', async () => {
    await openLocal(ARTIFACT);
    /** How far the document reaches past the window's width (0: it fits, no sideways scrolling). */
    const widths: Record<string, number> = {};
    for (const name of ['Summary', 'Metadata', 'Members', 'Validation', 'Model card', 'Upload descriptor']) {
      await page.getByRole('tab', { name }).click();
      if (name === 'Validation') await page.waitForSelector('[data-testid="validation-verdict"]');
      widths[name] = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    }
    // The card entry's id is the longest word on the page: it is there, wrapped.
    expect(CARD_ID.length).toBeGreaterThan(70);
    await page.getByRole('tab', { name: 'Metadata' }).click();
    expect(await page.textContent('[data-testid="metadata-table"]')).toContain(CARD_ID);
    expect(widths).toEqual(Object.fromEntries(Object.keys(widths).map((k) => [k, 0])));
  });

  it('a rate is shown only after a second, in the unit that fits', () => {
    expect(formatRate(20_000, 0.01)).toBe('');
    expect(formatRate(20_000, 2)).toBe('9.77 KiB/s');
    expect(formatRate(3 * 1024 ** 3, 2)).toBe('1.50 GiB/s');
    expect(formatRate(700, 1)).toBe('700 B/s');
  });

  it('a small file’s hashing time shows no "0 MiB/s"', async () => {
    await openLocal(ARTIFACT);
    await page.getByRole('tab', { name: 'Upload descriptor' }).click();
    await page.click('#describe');
    await page.waitForFunction(() => document.body.dataset.state === 'described');
    const shown = (await page.textContent('[data-testid="hash-seconds"]'))!;
    const seconds = Number(await page.getAttribute('[data-testid="hash-seconds"]', 'data-seconds'));
    const size = Number(await page.getAttribute('[data-testid="descriptor-facts"] [data-bytes]', 'data-bytes'));
    expect(size).toBeLessThan(1024 * 1024);
    expect(shown).not.toMatch(/\b0 MiB\/s/);
    const rate = formatRate(size, seconds);
    expect(shown).toBe(`${seconds.toFixed(2)} s${rate ? ` (${rate})` : ''}`);
    expect(await page.textContent('#hash-rate')).not.toMatch(/\b0 MiB\/s/);
  });
});
