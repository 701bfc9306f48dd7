import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uploadFile } from '../src/node/upload-file.js';
import { readUploadState, writeUploadState } from '../src/node/upload-state-file.js';
import { parseUploadDetails } from '../src/upload/details.js';
import { azureBlockId, blockListXml, completeMultipartXml, parseUploadId, xmlError } from '../src/upload/storage-xml.js';
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
  it('names Azure blocks base64("block-%08d") and escapes what goes into XML', () => {
    expect(Buffer.from(azureBlockId(7), 'base64').toString()).toBe('block-00000007');
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
