/**
 * The one zip reader (src/zip/), run in Node on hostile zips built byte by byte: every case gives
 * the code the browser gives (test/e2e/zip-differential.test.ts runs the same cases in Chromium),
 * whichever inflater runs it; reads stay inside the zip and are counted, not timed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FnnxError } from '../src/errors.js';
import { zlibInflate } from '../src/node/zlib-inflate.js';
import { CountingSource } from '../src/source/counting-source.js';
import { MemorySource } from '../src/source/memory-source.js';
import { crc32 } from '../src/zip/crc32.js';
import { streamInflate, useInflater } from '../src/zip/inflate.js';
import { ZipReader } from '../src/zip/reader.js';
import { zipOf } from './e2e/support/artifacts.js';
import { PAGE, ZIP_CASES, rawZip } from './helpers/hostile-zips.js';
import { crc32 as zlibCrc32 } from 'node:zlib';

const PAD = 100_000;

/** `zip` at an offset inside a larger source, as a card sits inside a tar. */
function embedded(zip: Uint8Array): { source: CountingSource; size: number } {
  const bytes = new Uint8Array(PAD + zip.length + PAD);
  bytes.set(zip, PAD);
  return { source: new CountingSource(new MemorySource(bytes)), size: zip.length };
}

/** What reading the page, then checking every entry, comes to: 'ok' or the first code. */
async function verdicts(zip: Uint8Array): Promise<{ show: string; check: string }> {
  const { source, size } = embedded(zip);
  const codeOf = (e: unknown) => {
    if (!(e instanceof FnnxError)) throw e;
    return e.code;
  };
  const opened = ZipReader.open(source, { offset: PAD, length: size, member: 'card.zip' });
  const show = await opened
    .then(async (z) => {
      if (!z.find('index.html')) return 'CARD_WITHOUT_INDEX';
      await z.read('index.html');
      return 'ok';
    })
    .catch(codeOf);
  const check = await opened
    .then(async (z) => {
      await z.check();
      return z.find('index.html') ? 'ok' : 'CARD_WITHOUT_INDEX';
    })
    .catch(codeOf);
  expect(
    source.log.every(([at, n]) => at >= PAD && at + n <= PAD + size),
    'a read outside the zip',
  ).toBe(true);
  return { show, check };
}

afterEach(() => useInflater(streamInflate));

describe('the zip reader on hostile zips', () => {
  for (const [inflaterName, inflater] of [
    ['node:zlib (the Node build)', zlibInflate],
    ['DecompressionStream (the browser build)', streamInflate],
  ] as const) {
    it.each(ZIP_CASES)(`$name: the page reads as $show, validate finds $validate (${inflaterName})`, async (c) => {
      // Node 20's DecompressionStream drops bytes after a deflate stream's end (why Node inflates with zlib).
      if (inflater === streamInflate && c.name.startsWith('bytes after the end')) return;
      useInflater(inflater);
      const { show, check } = await verdicts(c.zip());
      expect(show).toBe(c.show);
      expect(check === 'ok' ? [] : [check]).toEqual(c.validate);
    });
  }
});

describe('ZipReader', () => {
  it('reads a deflated entry from a zip inside a larger source with three small reads, nothing outside it', async () => {
    const html = '<h1>card</h1>'.repeat(500);
    const { source, size } = embedded(await zipOf({ 'index.html': html, 'logo.svg': '<svg/>' }));
    const zip = await ZipReader.open(source, { offset: PAD, length: size, member: 'card.zip' });
    expect(zip.entries.map((e) => e.name)).toEqual(['index.html', 'logo.svg']);
    expect(new TextDecoder().decode(await zip.read('index.html'))).toBe(html);
    expect(source.reads).toBe(3);
    expect(source.log.every(([offset, length]) => offset >= PAD && offset + length <= PAD + size)).toBe(true);
  });

  it('reads a 10,000-entry directory and checks every entry in a few reads (a read per 256 KiB, not per record)', async () => {
    const zip = rawZip([
      { name: 'index.html', data: PAGE },
      ...Array.from({ length: 9_999 }, (_, i) => ({ name: `a/${i}.txt`, data: `${i}` })),
    ]);
    const { source, size } = embedded(zip);
    const reader = await ZipReader.open(source, { offset: PAD, length: size });
    expect(reader.entries.length).toBe(10_000);
    await reader.check();
    expect(source.reads).toBeLessThanOrEqual(3 + Math.ceil(size / (256 * 1024)) + 1);
  });

  it('bounds the total the entries declare (maxZipUncompressed is per zip, not per entry)', async () => {
    const half = { data: new Uint8Array(600 * 1024) };
    const zip = rawZip([
      { name: 'index.html', ...half },
      { name: 'b.bin', ...half },
    ]);
    const open = (limit: number) => ZipReader.open(new MemorySource(zip), { limits: { maxZipUncompressed: limit } });
    await expect(open(1024 * 1024)).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxZipUncompressed' });
    await expect(open(1200 * 1024)).resolves.toBeInstanceOf(ZipReader);
  });

  it('refuses more entries than maxZipEntries before reading the directory', async () => {
    const { source, size } = embedded(
      rawZip([
        { name: 'a', data: 'a' },
        { name: 'b', data: 'b' },
      ]),
    );
    await expect(ZipReader.open(source, { offset: PAD, length: size, limits: { maxZipEntries: 1 } })).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'maxZipEntries',
    });
    expect(source.reads).toBe(1);
  });

  it('hands out no byte of a page up to 1 MiB whose CRC-32 is wrong; of a longer one, at most all but its last MiB', async () => {
    for (const size of [500 * 1024, 3 * 1024 * 1024]) {
      const data = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
      const zip = await ZipReader.open(new MemorySource(rawZip([{ name: 'index.html', data, crc: 1 }])));
      let got = 0;
      await expect(
        (async () => {
          for await (const chunk of zip.stream('index.html')) got += chunk.length;
        })(),
      ).rejects.toMatchObject({ code: 'BAD_ZIP' });
      expect(got).toBeLessThanOrEqual(Math.max(0, size - 1024 * 1024));
    }
  });

  it('stops at an aborted signal (ABORTED)', async () => {
    const zip = await ZipReader.open(new MemorySource(rawZip([{ name: 'index.html', data: PAGE }])));
    await expect(zip.read('index.html', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(ZipReader.open(new MemorySource(rawZip([])), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('says a member that is not a zip is not a sound zip (BAD_ZIP), naming the member', async () => {
    const source = new MemorySource(new TextEncoder().encode('plain text, no zip here at all'.repeat(10)));
    await expect(ZipReader.open(source, { member: 'meta_artifacts/x/model_card.zip' })).rejects.toMatchObject({
      code: 'BAD_ZIP',
      member: 'meta_artifacts/x/model_card.zip',
    });
  });

  it('asks for an entry it does not have with NO_SUCH_ZIP_ENTRY; finds names exactly', async () => {
    const zip = await ZipReader.open(new MemorySource(rawZip([{ name: 'index.html', data: PAGE }])));
    expect(zip.find('./index.html')).toBeUndefined();
    await expect(zip.read('other.html')).rejects.toMatchObject({ code: 'NO_SUCH_ZIP_ENTRY' });
  });

  it('decodes names without the UTF-8 flag as CP437, as the zip format says', async () => {
    const zip = rawZip([{ name: 'x', data: 'x' }]);
    // Clear the UTF-8 flag and make the one-byte name 0x81 (ü in CP437).
    const v = new DataView(zip.buffer, zip.byteOffset);
    const central = zip.length - 22 - 47;
    v.setUint16(6, 0, true);
    v.setUint16(central + 8, 0, true);
    zip[30] = 0x81;
    zip[central + 46] = 0x81;
    expect((await ZipReader.open(new MemorySource(zip))).entries[0]!.name).toBe('ü');
  });
});

describe('crc32', () => {
  it('equals zlib.crc32 for every length to 300 bytes and across split updates', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 2654435761) >>> 24);
    for (let n = 0; n <= 300; n++) expect(crc32(bytes.subarray(0, n))).toBe(zlibCrc32(bytes.subarray(0, n)));
    let c = 0;
    for (let at = 0; at < bytes.length; at += 777) c = crc32(bytes.subarray(at, at + 777), c);
    expect(c).toBe(zlibCrc32(bytes));
  });
});
