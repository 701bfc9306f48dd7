/**
 * The Validation panel's Run step in Chromium: onnxruntime-web, served by `fnnx-kit page` from the
 * copy installed beside fnnx-kit, loads every ONNX op and runs the pipeline, and the page shows
 * the findings `validate --run` gives with onnxruntime-node for the same artifact. Neither the
 * step's code nor the runtime is fetched before Run is pressed; a page served without the runtime
 * says how to get it.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateTarget } from '../../src/node/validate.js';
import { CORPUS_TAR, tempDir } from '../helpers/paths.js';
import { startRangeServer, type RangeServer } from '../helpers/range-server.js';
import { chain, externalData, matmul, runnable } from '../helpers/run-models.js';
import { tarOf, type Members } from '../helpers/validate-artifact.js';
import { launchChromium } from './support/browser.js';
import { startPageCommand, type PageCommand } from './support/page-command.js';

const PAGE_DIR = fileURLToPath(new URL('../../dist-web/page/', import.meta.url));

let data: string;
let pageServer: PageCommand;
/** The built page served by a plain static server: no runtime beside it. */
let bare: RangeServer;
let browser: Browser;
let page: Page;
let n = 0;

beforeAll(async () => {
  data = tempDir('fnnx-e2e-run-');
  symlinkSync(PAGE_DIR, join(data, 'page'));
  pageServer = await startPageCommand();
  bare = await startRangeServer(data);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await bare?.close();
  if (pageServer && pageServer.child.exitCode === null) await pageServer.stop();
});

async function fileOf(members: Members): Promise<string> {
  const path = join(data, `m${n++}.fnnx`);
  writeFileSync(path, await tarOf(members));
  return path;
}

/** Opens `file` in the page at `url`, presses Run on the Validation tab and waits for the findings or an error. */
async function runInPage(url: string, file: string): Promise<void> {
  await page.goto(url);
  await page.setInputFiles('#file', file);
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
  await page.getByRole('tab', { name: 'Validation' }).click();
  await page.click('#run');
  await page.waitForFunction(() => ['ran', 'error'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 120_000 });
}

/** The page's run table as `CODE member pointer`, RUN_SUMMARY left out (it names the runtime). */
async function pageFindings(): Promise<string[]> {
  const rows = await page.$$eval('[data-testid="run-table"] tbody tr', (trs) =>
    trs.map((r) => Array.from(r.children, (c) => c.textContent!.trim())),
  );
  return rows
    .filter((r) => r[1]!.startsWith('RUN_') && r[1] !== 'RUN_SUMMARY')
    .map(([, code, member, pointer]) => `${code} ${member === '(artifact)' ? '-' : member} ${pointer === '—' ? '' : pointer}`)
    .sort();
}

/** The same, from `validate --run` in Node (onnxruntime-node in its child process). */
async function nodeFindings(file: string): Promise<string[]> {
  const report = await validateTarget(file, { run: {} });
  return report.diagnostics
    .filter((d) => d.code.startsWith('RUN_') && d.code !== 'RUN_SUMMARY')
    .map((d) => `${d.code} ${d.member ?? '-'} ${d.pointer}`)
    .sort();
}

describe('the Run step', () => {
  it('runs the corpus pipeline in onnxruntime-web: four ops loaded, four nodes run, nothing found; nothing of it loaded before Run', async () => {
    const early: string[] = [];
    const onRequest = (r: { url(): string }) => void early.push(r.url());
    page.on('request', onRequest);
    await page.goto(pageServer.url);
    await page.setInputFiles('#file', CORPUS_TAR);
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    page.off('request', onRequest);
    expect(early.filter((u) => /\/ort\/|run-step|run-web/.test(u))).toEqual([]);

    await page.getByRole('tab', { name: 'Validation' }).click();
    await page.click('#run');
    await page.waitForFunction(() => ['ran', 'error'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 120_000 });
    expect(await page.isHidden('#run-error'), (await page.textContent('#run-error')) ?? undefined).toBe(true);
    expect(await page.textContent('[data-testid="run-verdict"]')).toBe('Runs: every ONNX op loaded and the pipeline ran');
    const table = (await page.textContent('[data-testid="run-table"]'))!;
    expect(table).toContain("onnxruntime-web 1.31.1 loaded 4 of 4 ONNX_v1 op(s), and ran 4 of the pipeline's 4 node(s)");
    expect(await pageFindings()).toEqual([]);
  }, 180_000);

  it('gives the findings validate --run gives in Node: a model the runtime refuses, a miswired chain, external data, a sound model', async () => {
    const cases = [runnable(matmul(3, 1, { opsets: [{ domain: '', version: 99 }] })), chain(2, 3), externalData(), runnable()];
    const seen: string[][] = [];
    for (const members of cases) {
      const file = await fileOf(members);
      await runInPage(pageServer.url, file);
      expect(await page.isHidden('#run-error'), (await page.textContent('#run-error')) ?? undefined).toBe(true);
      const found = await pageFindings();
      expect(found).toEqual(await nodeFindings(file));
      seen.push(found);
    }
    // The cases differ: the comparison above is not of empty lists only.
    expect(seen[0]!.join()).toMatch(/RUN_LOAD_FAILED/);
    expect(seen[1]!.length).toBeGreaterThan(0);
    expect(seen[3]).toEqual([]);
  }, 600_000);

  it('served without onnxruntime-web beside it: Run says RUN_RUNTIME_MISSING beside the step, and how to install it', async () => {
    await runInPage(`${bare.origin}/page/index.html`, CORPUS_TAR);
    expect(await page.isVisible('#run-error')).toBe(true);
    const line = ((await page.textContent('#run-error')) ?? undefined)!;
    expect(line).toContain('(RUN_RUNTIME_MISSING)');
    expect(line).toContain('npm install onnxruntime-web');
    expect(await page.isHidden('#validation-error')).toBe(true);
  }, 120_000);
});
