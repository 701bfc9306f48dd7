/**
 * The browser's zip reader (model cards), run in Node on the same code: zips written by yazl sit
 * at an offset inside a larger source, as a card sits inside a tar, and every read is counted.
 */
import { describe, expect, it } from 'vitest';
import { CountingSource } from '../src/source/counting-source.js';
import { MemorySource } from '../src/source/memory-source.js';
import { ZipReader } from '../src/web/zip-reader.js';
import { zipOf } from './e2e/support/artifacts.js';

const PAD = 100_000;

async function embedded(files: Record<string, string>): Promise<{ source: CountingSource; bytes: Uint8Array; size: number }> {
  const zip = await zipOf(files);
  const bytes = new Uint8Array(PAD + zip.length + PAD);
  bytes.set(zip, PAD);
  return { source: new CountingSource(new MemorySource(bytes)), bytes, size: zip.length };
}

describe('ZipReader', () => {
  it('reads a deflated entry from a zip inside a larger source with three small reads', async () => {
    const html = '<h1>card</h1>'.repeat(500);
    const { source, size } = await embedded({ 'index.html': html, 'logo.svg': '<svg/>' });
    const zip = await ZipReader.open(source, PAD, size, 'card.zip');
    expect(zip.entries.map((e) => e.name)).toEqual(['index.html', 'logo.svg']);
    const bytes = await zip.read(zip.find('index.html')!);
    expect(new TextDecoder().decode(bytes)).toBe(html);
    // tail + central directory, then local header + data: nothing outside the zip.
    expect(source.log.every(([offset, length]) => offset >= PAD && offset + length <= PAD + size)).toBe(true);
  });

  it('refuses an entry whose bytes do not match the CRC-32 its directory records (BAD_ZIP)', async () => {
    const { source, bytes, size } = await embedded({ 'index.html': 'x'.repeat(1000) });
    const central = Buffer.from(bytes.buffer).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), PAD);
    bytes[central + 16]! ^= 0x01;
    const zip = await ZipReader.open(source, PAD, size, 'card.zip');
    await expect(zip.read(zip.find('index.html')!)).rejects.toMatchObject({ code: 'BAD_ZIP', member: 'card.zip!index.html' });
  });

  it('stops inflating as soon as an entry passes its declared size (a zip bomb)', async () => {
    const { source, size } = await embedded({ 'index.html': 'a'.repeat(1_000_000) });
    const zip = await ZipReader.open(source, PAD, size, 'card.zip');
    const entry = { ...zip.find('index.html')!, uncompressedSize: 1000 };
    await expect(zip.read(entry)).rejects.toMatchObject({ code: 'BAD_ZIP', message: expect.stringContaining('declared 1000') });
  });

  it('refuses an entry over the uncompressed-size limit before reading it (LIMIT_EXCEEDED)', async () => {
    const { source, size } = await embedded({ 'index.html': 'a'.repeat(10_000) });
    const zip = await ZipReader.open(source, PAD, size, 'card.zip', { limits: { maxZipUncompressed: 5000 } });
    const before = source.reads;
    await expect(zip.read(zip.find('index.html')!)).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxZipUncompressed' });
    expect(source.reads).toBe(before);
  });

  it('says a member that is not a zip is not a readable zip (BAD_ZIP), naming the member', async () => {
    const source = new MemorySource(new TextEncoder().encode('plain text, no zip here at all'.repeat(10)));
    await expect(ZipReader.open(source, 0, source.byteLength, 'meta_artifacts/x/model_card.zip')).rejects.toMatchObject({
      code: 'BAD_ZIP',
      member: 'meta_artifacts/x/model_card.zip',
    });
  });
});
