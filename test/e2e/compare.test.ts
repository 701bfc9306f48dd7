/**
 * The page's compare view in headless Chromium: the artifact on screen against a second one, a
 * local file or a URL read by ranges, showing what `fnnx-kit diff` reports.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/paths.js';
import { startRangeServer, type RangeServer } from '../helpers/range-server.js';
import { io, soundPipeline, tarOf } from '../helpers/validate-artifact.js';
import { launchChromium } from './support/browser.js';

const PAGE_DIR = fileURLToPath(new URL('../../dist-web/page/', import.meta.url));
const EVIL = 'score\u202egnp.exe';

let data: string;
let server: RangeServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  data = tempDir('fnnx-e2e-compare-');
  writeFileSync(join(data, 'old.fnnx'), await tarOf(soundPipeline()));
  const m = soundPipeline();
  const manifest = m['manifest.json'] as { inputs: unknown[]; outputs: unknown[] };
  manifest.inputs.push(io('z'));
  manifest.outputs.push(io(EVIL));
  writeFileSync(join(data, 'new.fnnx'), await tarOf(m));
  symlinkSync(PAGE_DIR, join(data, 'page'));
  server = await startRangeServer(data);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openOld(): Promise<void> {
  await page.goto(`${server.origin}/page/index.html`);
  await page.setInputFiles('#file', join(data, 'old.fnnx'));
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
  await page.getByRole('tab', { name: 'Compare' }).click();
}

const rows = () =>
  page.$$eval('[data-testid="compare-table"] tbody tr', (trs) => trs.map((r) => Array.from(r.children, (c) => c.textContent!.trim())));

describe('compare view', () => {
  it('compares the artifact on screen with a local file: each change with its kind, rule, before and after', async () => {
    await openOld();
    await page.setInputFiles('#compare-file', join(data, 'new.fnnx'));
    await page.waitForFunction(() => ['compared', 'error'].includes(document.body.dataset.state ?? ''));
    const shown = await rows();
    expect(shown).toContainEqual(['breaking', 'input-added', '/inputs/z', '—', expect.stringContaining('"name":"z"')]);
    // The bidi override in the output's name shows as an escape, never reorders the row.
    const added = shown.find((r) => r[1] === 'output-added')!;
    expect(added[2]).toBe('/outputs/score\\u202egnp.exe');
    expect(await page.textContent('[data-testid="compare-summary"]')).toMatch(/Breaking\s*1/);
    // Whole op and port objects stand in the cells: they wrap, the page never scrolls sideways.
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  });

  it('compares with a URL read by ranges, and shows no changes for the same artifact', async () => {
    await openOld();
    server.reset();
    await page.fill('#compare-url', server.url('old.fnnx'));
    await page.click('#compare-url-form button');
    await page.waitForFunction(() => ['compared', 'error'].includes(document.body.dataset.state ?? ''));
    expect(await page.textContent('#comparison')).toContain('No changes');
    expect(server.requests.filter((r) => r.path.endsWith('old.fnnx')).every((r) => r.range !== undefined || r.method === 'HEAD')).toBe(
      true,
    );
  });

  it('says which side could not be read, beside the compare step', async () => {
    writeFileSync(join(data, 'junk.fnnx'), 'not a tar archive at all, just text\n'.repeat(30));
    await openOld();
    await page.setInputFiles('#compare-file', join(data, 'junk.fnnx'));
    await page.waitForFunction(() => document.body.dataset.state === 'error');
    expect(await page.textContent('#compare-error')).toMatch(/new artifact: .*NOT_A_TAR/);
  });
});
