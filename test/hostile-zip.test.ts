/**
 * Zip bombs and broken zips in a model card, read the way `card show` reads them: ZipReader.open
 * on the member's byte range inside the artifact, never inflating past the limits.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FnnxError, LimitError } from '../src/errors.js';
import { openStore } from '../src/node/open.js';
import { TarStore } from '../src/artifact/tar-store.js';
import { ZipReader } from '../src/zip/reader.js';
import { CARD_MEMBER, SECRET, ZIP_CASES, cardArtifact, cardPointingOutside, cardZip } from './helpers/hostile-corpus.js';
import { MemorySource } from '../src/source/memory-source.js';
import { CountingSource } from '../src/source/counting-source.js';
import type { ByteSource } from '../src/source/byte-source.js';
import { runCli } from './helpers/cli.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { readFileSync } from 'node:fs';
import { tempDir } from './helpers/paths.js';

async function openCard(zip: Uint8Array, limits = {}) {
  const path = join(tempDir('fnnx-zip-'), 'card.fnnx');
  writeFileSync(path, await cardArtifact(zip));
  const store = await openStore(path);
  if (!(store instanceof TarStore)) throw new Error('expected a tar store');
  const [offset, length] = (await store.fileIndex())[CARD_MEMBER]!;
  const counted = new CountingSource(store.source);
  return { store, counted, length, open: () => ZipReader.open(counted, { offset, length, member: CARD_MEMBER, limits }) };
}

describe('ZipReader on model cards inside an artifact', () => {
  it('reads a sound card by byte range', async () => {
    const { store, open } = await openCard(await cardZip());
    const zip = await open();
    expect(zip.entries.map((e) => e.name)).toEqual(['index.html']);
    expect(new TextDecoder().decode(await zip.read('index.html'))).toBe('<h1>card</h1>');
    await store.close();
  });

  it.each(ZIP_CASES)('$name ends in $code, reading no more than the zip once', async ({ zip, code, limit }) => {
    const { store, counted, length, open } = await openCard(await zip());
    const error = await (async () => {
      const z = await open();
      for (const e of z.entries) if (!e.isDirectory) await z.read(e.name);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    await store.close();
    expect(error).toBeInstanceOf(FnnxError);
    expect((error as FnnxError).code).toBe(code);
    expect((error as FnnxError).member).toBe(CARD_MEMBER);
    if (limit) expect((error as LimitError).limit).toBe(limit);
    // The end records are read with up to 64 KiB before them (the longest comment); the rest at most once.
    expect(counted.bytes).toBeLessThanOrEqual(length + 66_000);
  });

  it('lowering maxZipEntries refuses a card with more entries', async () => {
    const { store, open } = await openCard(
      await cardZip([
        ['a.html', new Uint8Array(1)],
        ['b.html', new Uint8Array(1)],
      ]),
      { maxZipEntries: 1 },
    );
    await expect(open()).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxZipEntries' });
    await store.close();
  });

  it('an entry that declares more than maxZipUncompressed is refused when the directory is read, before inflating', async () => {
    const { store, open } = await openCard(await cardZip([['index.html', new Uint8Array(2 * 1024 * 1024)]]), {
      maxZipUncompressed: 1024 * 1024,
    });
    await expect(open()).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxZipUncompressed' });
    await store.close();
  });
});

/** A source that remembers every range read from it. */
function recording(inner: ByteSource): ByteSource & { reads: Array<[number, number]> } {
  const reads: Array<[number, number]> = [];
  return {
    byteLength: inner.byteLength,
    label: inner.label,
    reads,
    read: (offset, length, signal) => (reads.push([offset, length]), inner.read(offset, length, signal)),
  };
}

describe('a card zip whose offsets point outside its member', () => {
  it('is BAD_ZIP, and not one byte outside the member is read', async () => {
    const bytes = await cardPointingOutside();
    const store = new TarStore(new MemorySource(bytes));
    const [offset, length] = (await store.fileIndex())[CARD_MEMBER]!;
    const source = recording(new MemorySource(bytes));
    const error = await (async () => {
      const z = await ZipReader.open(source, { offset, length, member: CARD_MEMBER });
      await z.read('index.html');
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'BAD_ZIP', member: CARD_MEMBER });
    expect(source.reads.filter(([at, n]) => at < offset || at + n > offset + length)).toEqual([]);
  });

  it('card show exits 1 with BAD_ZIP and prints nothing of the other member', () => {
    const path = join(tempDir('fnnx-zip-'), 'outside.fnnx');
    return cardPointingOutside().then((bytes) => {
      writeFileSync(path, bytes);
      const r = runCli(['card', 'show', path]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/\(BAD_ZIP\)$/m);
      expect(r.stdout).not.toContain(SECRET);
    });
  });
});

describe('card show streams index.html', () => {
  it('a 240 MiB honest card is written whole to stdout with the process under 160 MiB', async () => {
    const dir = tempDir('fnnx-bigcard-');
    const path = join(dir, 'big-card.fnnx');
    const page = new Uint8Array(240 * 1024 * 1024).fill(0x61);
    writeFileSync(path, await cardArtifact(await cardZip([['index.html', page]])));
    const rssFile = join(dir, 'rss');
    const r = await runCliAsync(['card', 'show', path], { wrap: ['/usr/bin/time', '-f', '%M', '-o', rssFile] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdoutBytes.length).toBe(page.length);
    const rssMiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
    console.log(`card show of a 240 MiB card: peak ${Math.round(rssMiB)} MiB`);
    expect(rssMiB).toBeLessThan(160);
  });
});
