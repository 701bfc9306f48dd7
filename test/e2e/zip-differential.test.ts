/**
 * One zip reader, one verdict: the same hostile model cards (built byte by byte in
 * test/helpers/hostile-zips.ts) go through the Node build (dist/: readNewestCard and
 * validateTarget, and the CLI's `card show`) and through the browser bundle in Chromium
 * (readNewestCard and validate over HTTP ranges). Every case must give the same answer with the
 * same code on both, and the answer the case expects.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CARD_MEMBER, PAGE, ZIP_CASES, artifactWithCard } from '../helpers/hostile-zips.js';
import { tempDir } from '../helpers/paths.js';
import { startRangeServer, type RangeServer } from '../helpers/range-server.js';
import { launchChromium } from './support/browser.js';

interface Verdict {
  /** Reading the card page: 'ok' or the code. */
  show: string;
  /** The page's bytes as text, when it was read. */
  html?: string;
  /** Codes validate reports for the card member, sorted. */
  validate: string[];
}

const HTML = `<!doctype html>
<html><body><script type="module">
  import * as web from './lib/fnnx-kit-web.js';
  window.verdict = async (url, member) => {
    const store = await web.openUrl(url);
    let show, html;
    try {
      html = new TextDecoder().decode((await web.readNewestCard(store)).html);
      show = 'ok';
    } catch (e) {
      if (!web.isFnnxError(e)) throw e;
      show = e.code;
    }
    const report = await web.validate(store);
    const validate = report.diagnostics.filter((d) => d.member === member).map((d) => d.code).sort();
    return { show, html, validate };
  };
  document.body.dataset.state = 'ready';
</script></body></html>
`;

const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

let data: string;
let server: RangeServer;
let browser: Browser;
let page: Page;
let node: typeof import('../../src/index.js');

beforeAll(async () => {
  data = tempDir('fnnx-e2e-zip-');
  await build({ configFile: 'vite.web.config.ts', logLevel: 'warn', build: { outDir: join(data, 'lib'), emptyOutDir: true } });
  writeFileSync(join(data, 'zip.html'), HTML);
  ZIP_CASES.forEach((c, i) => writeFileSync(join(data, `case-${i}.fnnx`), artifactWithCard(c.zip())));
  // The Node build, as `import 'fnnx-kit'` loads it (the global setup rebuilt it when sources changed).
  node = (await import(pathToFileURL(DIST).href)) as typeof import('../../src/index.js');
  server = await startRangeServer(data);
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${server.origin}/zip.html`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function nodeVerdict(path: string): Promise<Verdict> {
  const store = await node.openStore(path);
  let show: string;
  let html: string | undefined;
  try {
    html = new TextDecoder().decode((await node.readNewestCard(store)).html);
    show = 'ok';
  } catch (e) {
    if (!node.isFnnxError(e)) throw e;
    show = e.code;
  } finally {
    await store.close();
  }
  const report = await node.validateTarget(path);
  return { show, html, validate: cardCodes(report.diagnostics) };
}

const cardCodes = (diagnostics: ReadonlyArray<{ code: string; member: string | null }>) =>
  diagnostics
    .filter((d) => d.member === CARD_MEMBER)
    .map((d) => d.code)
    .sort();

function browserVerdict(name: string): Promise<Verdict> {
  return page.evaluate(
    ([url, member]) => (window as unknown as { verdict: (u: string, m: string) => Promise<Verdict> }).verdict(url, member),
    [`${server.origin}/${name}`, CARD_MEMBER] as const,
  );
}

describe('the same hostile zip gives the same verdict and code in Node and in Chromium', () => {
  it.each(ZIP_CASES.map((c, i) => ({ ...c, i })))('$name: the page reads as $show, validate finds $validate', async (c) => {
    const name = `case-${c.i}.fnnx`;
    const [inNode, inChromium] = [await nodeVerdict(join(data, name)), await browserVerdict(name)];
    expect(inChromium).toEqual(inNode);
    expect(inNode.show).toBe(c.show);
    expect(inNode.validate).toEqual(c.validate);
    if (c.show === 'ok') expect(inNode.html).toBe(PAGE);
    // The CLI is the Node build too: `card show` prints the page or fails with the same code.
    const cli = runCli(['card', 'show', join(data, name)]);
    if (c.show === 'ok') expect([cli.code, cli.stdout]).toEqual([0, PAGE]);
    else {
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(new RegExp(`\\(${c.show}\\)$`, 'm'));
      expect(cli.stdout).toBe('');
    }
  });
});
