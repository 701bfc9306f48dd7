/**
 * The page shows names from an artifact as a person can trust them: a right-to-left override in
 * `bidi\u202egnp.exe` is shown as a visible escape (it would otherwise read as "bidiexe.png"), and
 * no control or bidi character from the artifact reaches any view's text.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RAW_UNSAFE, escapesArtifact, soundTar } from '../helpers/hostile-corpus.js';
import { file, pax } from '../helpers/hostile-tar.js';
import { tempDir } from '../helpers/paths.js';
import { startRangeServer, type RangeServer } from '../helpers/range-server.js';
import { launchChromium } from './support/browser.js';

const PAGE_DIR = fileURLToPath(new URL('../../dist-web/page/', import.meta.url));
const BIDI_NAME = 'bidi\u202egnp.exe';

let data: string;
let server: RangeServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  data = process.env.FNNX_NAMES_SHOTS ?? tempDir('fnnx-e2e-names-');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'bidi.fnnx'), soundTar([pax({ path: BIDI_NAME }), file('x', 'pretend executable')]));
  writeFileSync(join(data, 'escapes.fnnx'), escapesArtifact());
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
  await page.goto(`${server.origin}/page/index.html`);
  await page.setInputFiles('#file', join(data, name));
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''));
}

describe('names from the artifact on the page', () => {
  it('shows bidi\\u202egnp.exe with the override as a visible escape, so it cannot pass for a .png', async () => {
    await openLocal('bidi.fnnx');
    await page.getByRole('tab', { name: 'Members' }).click();
    const shown = await page.$$eval('[data-testid="member-tree"] li.file .name', (els) => els.map((e) => e.textContent));
    expect(shown).toContain('bidi\\u202egnp.exe');
    expect(shown.join('')).not.toContain('\u202e');
    // What a person sees, as laid out: the name still ends in ".exe".
    const rendered = await page.locator('[data-testid="member-tree"] li.file .name', { hasText: 'bidi' }).innerText();
    expect(rendered.endsWith('gnp.exe')).toBe(true);
    await page.screenshot({ path: join(data, 'bidi-members.png') });
  });

  it('no view carries a raw control or bidi character from an artifact whose every string holds them', async () => {
    await openLocal('escapes.fnnx');
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    for (const name of ['Summary', 'Metadata', 'Members', 'Validation']) {
      await page.getByRole('tab', { name }).click();
      if (name === 'Validation') await page.waitForSelector('[data-testid="validation-verdict"]');
    }
    const text = await page.evaluate(() => document.getElementById('views')!.textContent!);
    expect(text).toContain('\\u202egnp.exe');
    expect(RAW_UNSAFE.exec(text.replace(/[\n\t]/g, ''))).toBeNull();
    const status = await page.evaluate(
      () => `${document.getElementById('status')!.textContent}${document.getElementById('error')!.textContent}`,
    );
    expect(RAW_UNSAFE.exec(status)).toBeNull();
  });
});
