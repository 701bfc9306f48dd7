import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { uploadFile } from '../src/node/upload-file.js';
import { readUploadState, writeUploadState } from '../src/node/upload-state-file.js';
import { parseUploadDetails } from '../src/upload/details.js';
import { azureBlockId, blockListXml, completeMultipartXml, parseUploadId, withBlockId, xmlError } from '../src/upload/storage-xml.js';
import { resumableParts } from '../src/upload/upload-state.js';
import { tempDir } from './helpers/paths.js';

const part = (n: number, start: number, end: number) => ({
  part_number: n,
  url: `http://127.0.0.1:1/p${n}`,
  start_byte: start,
  end_byte: end,
  part_size: end - start + 1,
});

describe('upload details', () => {
  it('reads the three shapes the registry answers with (end_byte inclusive becomes an exclusive end)', () => {
    expect(parseUploadDetails({ type: 'azure', url: 'https://a/b', multipart: false })).toMatchObject({ shape: 'single', type: 'azure' });
    expect(parseUploadDetails({ type: 's3', url: 'https://a/b?uploads', multipart: true })).toMatchObject({ shape: 's3-initiate' });
    const d = parseUploadDetails({ type: 's3', upload_id: 'u', parts: [part(2, 10, 19), part(1, 0, 9)], complete_url: 'https://a/c' });
    expect(d).toMatchObject({
      shape: 's3-parts',
      uploadId: 'u',
      parts: [
        { partNumber: 1, start: 0, end: 10 },
        { partNumber: 2, start: 10, end: 20 },
      ],
    });
    expect(parseUploadDetails({ type: 'azure', parts: [part(1, 0, 4)], complete_url: 'https://a/c' })).toMatchObject({
      shape: 'azure-blocks',
    });
  });

  it('refuses parts with a gap, an overlap, a repeated number or a wrong part_size (bytes would be lost or doubled)', () => {
    const bad = [
      [part(1, 0, 9), part(2, 11, 19)],
      [part(1, 0, 9), part(2, 9, 19)],
      [part(1, 0, 9), part(1, 10, 19)],
      [{ ...part(1, 0, 9), part_size: 9 }],
      [part(1, 1, 9)],
    ];
    for (const parts of bad) {
      expect(() => parseUploadDetails({ type: 's3', upload_id: 'u', parts, complete_url: 'https://a/c' }), JSON.stringify(parts)).toThrow(
        expect.objectContaining({ code: 'UPLOAD_DETAILS_INVALID', kind: 'usage' }),
      );
    }
    expect(() => parseUploadDetails({ type: 'gcs', url: 'https://a' })).toThrow(
      expect.objectContaining({ code: 'UPLOAD_DETAILS_INVALID' }),
    );
    expect(() => parseUploadDetails({ type: 's3', parts: [part(1, 0, 9)], complete_url: 'https://a/c' })).toThrow(/upload_id/);
    const many = Array.from({ length: 50_001 }, (_, i) => part(i + 1, i, i));
    expect(() => parseUploadDetails({ type: 'azure', parts: many, complete_url: 'https://a/c' })).toThrow(/at most 50000 blocks/);
  });

  it('says what to do with the first answer of an Azure multipart upload (it has no URL)', () => {
    expect(() => parseUploadDetails({ type: 'azure', url: null, multipart: true, bucket_location: 'm.fnnx' })).toThrow(
      /ask the registry for its part URLs/,
    );
  });

  it('uploading with the details of a multipart upload not started says how to start it, sending nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'm.fnnx');
    writeFileSync(file, 'x');
    await expect(uploadFile(file, { type: 's3', url: 'http://127.0.0.1:1/b?uploads', multipart: true })).rejects.toMatchObject({
      code: 'UPLOAD_NOT_INITIATED',
      kind: 'usage',
    });
  });
});

describe('storage XML', () => {
  it("names an Azure block by its position and its MD5, in 14 bytes like the registry's own ids, and escapes what goes into XML", () => {
    const md5 = '0123456789abcdef0123456789abcdef';
    const id = Buffer.from(azureBlockId(7, md5), 'base64');
    expect(id).toEqual(Buffer.concat([Buffer.from([0, 7]), Buffer.from(md5, 'hex').subarray(0, 12)]));
    expect(azureBlockId(7, md5).length).toBe(Buffer.from('block-00000007').toString('base64').length);
    expect(azureBlockId(7, md5)).not.toBe(azureBlockId(8, md5));
    expect(blockListXml(['YQ==', 'a<b'])).toContain('<BlockList><Latest>YQ==</Latest><Latest>a&lt;b</Latest></BlockList>');
    expect(completeMultipartXml([{ partNumber: 1, etag: '"e&1"' }])).toContain(
      '<Part><PartNumber>1</PartNumber><ETag>&quot;e&amp;1&quot;</ETag></Part>',
    );
  });

  it('reads the UploadId, and takes a 200 reply with an <Error> body as a failure', () => {
    expect(parseUploadId('<InitiateMultipartUploadResult><UploadId>a&amp;b</UploadId></InitiateMultipartUploadResult>', 'x')).toBe('a&b');
    expect(() => parseUploadId('<x/>', 'x')).toThrow(expect.objectContaining({ code: 'UPLOAD_PROTOCOL' }));
    expect(xmlError('<Error><Code>InternalError</Code><Message>later</Message></Error>')).toEqual({
      code: 'InternalError',
      message: 'later',
    });
    expect(xmlError('<CompleteMultipartUploadResult><ETag>"x"</ETag></CompleteMultipartUploadResult>')).toBeUndefined();
  });

  it('recognises <Error> and its fields under any namespace prefix, and an UploadId likewise', () => {
    expect(xmlError('<s3:Error xmlns:s3="x"><s3:Code>SlowDown</s3:Code><s3:Message>m</s3:Message></s3:Error>')).toEqual({
      code: 'SlowDown',
      message: 'm',
    });
    expect(xmlError('<Error xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Code>X</Code></Error>')).toEqual({ code: 'X', message: '' });
    expect(xmlError('<a:Error/>')).toEqual({ code: 'Unknown', message: '' });
    expect(xmlError('<ErrorDocument><Key>k</Key></ErrorDocument>')).toBeUndefined();
    expect(
      parseUploadId('<r:InitiateMultipartUploadResult xmlns:r="x"><r:UploadId>u-1</r:UploadId></r:InitiateMultipartUploadResult>', 'x'),
    ).toBe('u-1');
  });

  it("puts a block id into the registry's block URL, changing only the blockid value", () => {
    const url = 'https://a.blob.core.windows.net/c/m.fnnx?sv=2021&sig=a%2Bb%3D&comp=block&blockid=YmxvY2stMDAwMDAwMDE=&x=1';
    expect(withBlockId(url, 'AAE+/w==')).toBe(
      'https://a.blob.core.windows.net/c/m.fnnx?sv=2021&sig=a%2Bb%3D&comp=block&blockid=AAE%2B%2Fw%3D%3D&x=1',
    );
    expect(withBlockId('https://a/c/m?comp=block', 'AA==')).toBeUndefined();
  });
});

describe('upload state', () => {
  it('offers only well-formed parts of a state for these details and this size (each still to be proven)', () => {
    const parts = [
      null,
      7,
      { partNumber: 1, start: 0, end: 10, etag: '"e"' },
      { partNumber: '2', start: 10, end: 20, etag: 'x' },
      { partNumber: 3 },
    ];
    const got = resumableParts({ version: 1, details: 'd', size: 30, parts }, 'd', 30);
    expect(got instanceof Map && [...got.keys()]).toEqual([1]);
    expect(resumableParts({ version: 1, details: 'other', size: 30, parts }, 'd', 30)).toMatch(/different upload details/);
    expect(resumableParts({ version: 1, details: 'd', size: 31, parts }, 'd', 30)).toMatch(/changed size/);
    expect(resumableParts({ version: 1, details: 'd', size: 30, parts: {} }, 'd', 30)).toMatch(/not a state/);
    expect(resumableParts('garbage', 'd', 30)).toMatch(/not a state/);
  });
});

describe('upload state file', () => {
  it('a symlink planted at <file>.upload.json is neither followed on read nor written through', async () => {
    const dir = tempDir();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, JSON.stringify({ version: 1, details: 'x', size: 1, parts: [] }));
    const statePath = join(dir, 'm.fnnx.upload.json');
    symlinkSync(victim, statePath);
    expect(await readUploadState(statePath)).toBeUndefined();
    const before = readFileSync(victim, 'utf8');
    await writeUploadState(statePath, { version: 1, details: 'd', size: 2, parts: [] });
    expect(readFileSync(victim, 'utf8')).toBe(before);
    expect(await readUploadState(statePath)).toMatchObject({ details: 'd', size: 2 });
  });

  it('is replaced atomically: no temporary file is left beside it', async () => {
    const dir = tempDir();
    const statePath = join(dir, 'm.fnnx.upload.json');
    for (let i = 0; i < 3; i++) await writeUploadState(statePath, { version: 1, details: 'd', size: i, parts: [] });
    expect((await readUploadState(statePath))?.size).toBe(2);
    expect(existsSync(`${statePath}.${process.pid}.tmp`)).toBe(false);
  });
});

describe('the README', () => {
  it('shows one example of each shape of upload details, each read as that shape (end_byte inclusive)', () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Upload details'), readme.indexOf('\n## ', readme.indexOf('\n## Upload details') + 1));
    const examples = [...section.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => parseUploadDetails(JSON.parse(m[1]!)));
    expect(examples.map((d) => d.shape)).toEqual(['single', 's3-parts', 'azure-blocks']);
    for (const d of examples.slice(1)) {
      expect('parts' in d && d.parts.map((p) => [p.start, p.end])).toEqual([
        [0, 33554432],
        [33554432, 41943040],
      ]);
    }
  });
});
