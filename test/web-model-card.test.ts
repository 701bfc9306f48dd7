/**
 * readNewestCard is one function on both entries: over a Blob (the browser's way in) it reads the
 * same card (the newest, by the one newestCard rule) as over a file, with the same result and codes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cardAppendMembers } from '../src/append/card.js';
import { newHexId } from '../src/append/ids.js';
import { appendToArtifact } from '../src/node/append-file.js';
import { buildCardZip } from '../src/node/card-zip.js';
import * as nodeEntry from '../src/index.js';
import * as webEntry from '../src/web/index.js';
import { openStore } from '../src/node/open.js';
import { packToFile } from '../src/node/pack.js';
import { openBlob } from '../src/web/open.js';
import { readNewestCard } from '../src/artifact/model-card.js';
import { minimalManifest } from './helpers/build-fixtures.js';
import { tempDir } from './helpers/paths.js';

const PRODUCER = { name: 'tests', version: '1' };

async function artifactWithCards(htmls: string[]): Promise<string> {
  const path = join(tempDir('fnnx-card-'), 'model.fnnx');
  await packToFile({ manifest: minimalManifest(), files: [{ name: 'ops_artifacts/main/model.onnx', body: new Uint8Array(4096) }] }, path);
  for (const [i, html] of htmls.entries()) {
    const zip = await buildCardZip([{ name: 'index.html', bytes: new TextEncoder().encode(html) }]);
    // Ids that sort against append order: the newest card is found by place in the tar, not by name.
    await appendToArtifact(path, async () => cardAppendMembers(zip, newHexId(Date.UTC(2030 - i, 0, 1)), PRODUCER));
  }
  return path;
}

describe('readNewestCard in the browser', () => {
  it('is the same function on both entries', () => {
    expect(webEntry.readNewestCard).toBe(nodeEntry.readNewestCard);
    expect(webEntry.streamNewestCard).toBe(nodeEntry.streamNewestCard);
    expect(webEntry.ZipReader).toBe(nodeEntry.ZipReader);
  });

  it('reads the newest card over a Blob as over the file', async () => {
    const path = await artifactWithCards(['<h1>first</h1>', '<h1>second</h1>']);
    const web = await readNewestCard(openBlob(new Blob([readFileSync(path)])));
    const store = await openStore(path);
    const node = await readNewestCard(store);
    await store.close();
    expect(new TextDecoder().decode(web.html)).toBe('<h1>second</h1>');
    expect(web.member).toBe(node.member);
    expect(Buffer.from(web.html).equals(Buffer.from(node.html))).toBe(true);
  });

  it('refuses an artifact without a card with NO_MODEL_CARD, as Node does', async () => {
    const path = await artifactWithCards([]);
    await expect(readNewestCard(openBlob(new Blob([readFileSync(path)])))).rejects.toMatchObject({
      code: 'NO_MODEL_CARD',
      kind: 'artifact',
    });
  });
});
