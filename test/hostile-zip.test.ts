/**
 * Zip bombs and broken zips in a model card, read the way `card show` reads them: openZipSafely
 * on the member's byte range inside the artifact, never inflating past the limits.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FnnxError, LimitError } from '../src/errors.js';
import { openStore } from '../src/node/open.js';
import { TarStore } from '../src/artifact/tar-store.js';
import { openZipSafely } from '../src/node/zip-limits.js';
import { CARD_MEMBER, ZIP_CASES, cardArtifact, cardZip } from './helpers/hostile-corpus.js';
import { tempDir } from './helpers/paths.js';

async function openCard(zip: Uint8Array, limits = {}) {
  const path = join(tempDir('fnnx-zip-'), 'card.fnnx');
  writeFileSync(path, await cardArtifact(zip));
  const store = await openStore(path);
  if (!(store instanceof TarStore)) throw new Error('expected a tar store');
  const [offset, length] = (await store.fileIndex())[CARD_MEMBER]!;
  return { store, open: () => openZipSafely(store.source, { offset, length, member: CARD_MEMBER, limits }) };
}

describe('openZipSafely on model cards inside an artifact', () => {
  it('reads a sound card by byte range', async () => {
    const { store, open } = await openCard(await cardZip());
    const zip = await open();
    expect(zip.entries.map((e) => e.name)).toEqual(['index.html']);
    expect(new TextDecoder().decode(await zip.read('index.html'))).toBe('<h1>card</h1>');
    zip.close();
    await store.close();
  });

  it.each(ZIP_CASES)('$name ends in $code within 10 s', async ({ zip, code, limit }) => {
    const started = performance.now();
    const { store, open } = await openCard(await zip());
    const error = await (async () => {
      const z = await open();
      for (const e of z.entries) if (!e.isDirectory) await z.read(e.name);
      z.close();
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    await store.close();
    expect(error).toBeInstanceOf(FnnxError);
    expect((error as FnnxError).code).toBe(code);
    expect((error as FnnxError).member).toBe(CARD_MEMBER);
    if (limit) expect((error as LimitError).limit).toBe(limit);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('lowering maxZipEntries refuses a card with more entries', async () => {
    const { store, open } = await openCard(await cardZip([['a.html', new Uint8Array(1)], ['b.html', new Uint8Array(1)]]), { maxZipEntries: 1 });
    await expect(open()).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxZipEntries' });
    await store.close();
  });

  it('an entry that inflates past maxZipUncompressed is refused before inflating', async () => {
    const { store, open } = await openCard(await cardZip([['index.html', new Uint8Array(2 * 1024 * 1024)]]), { maxZipUncompressed: 1024 * 1024 });
    await expect(open()).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxZipUncompressed' });
    await store.close();
  });
});
