/**
 * One fact, one code: the reader (inspect, describe, pack), the writer and the validator name the
 * same fact the same way. Each case builds the artifact in code and asks every path about it.
 */
import { describe, expect, it } from 'vitest';
import { readArtifact } from '../src/artifact/reader.js';
import { TarStore } from '../src/artifact/tar-store.js';
import { writeTar } from '../src/build/tar-writer.js';
import { MemorySource } from '../src/source/memory-source.js';
import { validate, type ValidateOptions } from '../src/validate/validate.js';
import { describeBlob } from '../src/web/describe-blob.js';
import { MANIFEST, artifact, metaEntry, packTar, type Members } from './helpers/foreign-pack.js';

async function readerCode(members: Members): Promise<string> {
  const e = await readArtifact(new TarStore(new MemorySource(await packTar(members)))).then(
    () => undefined,
    (err: unknown) => err as { code: string },
  );
  expect(e, 'readArtifact should refuse').toBeDefined();
  return e!.code;
}

async function readerWarnings(members: Members): Promise<string[]> {
  return (await readArtifact(new TarStore(new MemorySource(await packTar(members))))).warnings.map((w) => w.code);
}

async function validatorCodes(members: Members, options: ValidateOptions = {}): Promise<string[]> {
  return (await validate(new MemorySource(await packTar(members)), options)).diagnostics.map((d) => d.code);
}

describe('one code per fact, whoever finds it', () => {
  it('a missing manifest.json is ROOT_FILE_MISSING to the reader and to validate', async () => {
    const members = artifact().filter(([n]) => n !== 'manifest.json');
    expect(await readerCode(members)).toBe('ROOT_FILE_MISSING');
    expect(await validatorCodes(members)).toContain('ROOT_FILE_MISSING');
  });

  it('a root file that is not JSON is JSON_INVALID to the reader and to validate', async () => {
    const members: Members = [
      ['manifest.json', MANIFEST],
      ['ops.json', '[{"id": '],
      ['variant_config.json', { nodes: [] }],
    ];
    expect(await readerCode(members)).toBe('JSON_INVALID');
    expect(await validatorCodes(members)).toContain('JSON_INVALID');
  });

  it('a metadata file that is not JSON is JSON_INVALID in the reader warnings and to validate', async () => {
    const members = artifact([
      ['meta.json', [metaEntry('ok', [])]],
      ['meta-bad.json', '[{'],
    ]);
    expect(await readerWarnings(members)).toEqual(['JSON_INVALID']);
    expect(await validatorCodes(members)).toContain('JSON_INVALID');
  });

  it('a root file of the wrong JSON type is ROOT_FILE_TYPE to the reader and to validate, meta.json included', async () => {
    const ops = artifact().map(([n, c]): Members[number] => [n, n === 'ops.json' ? {} : c]);
    expect(await readerCode(ops)).toBe('ROOT_FILE_TYPE');
    expect(await validatorCodes(ops)).toContain('ROOT_FILE_TYPE');
    const meta = artifact([['meta.json', { not: 'an array' }]]);
    expect(await readerWarnings(meta)).toEqual(['ROOT_FILE_TYPE']);
    expect(await validatorCodes(meta)).toContain('ROOT_FILE_TYPE');
  });

  it('a metadata entry that is not an object is META_ENTRY_NOT_OBJECT to the reader and to validate', async () => {
    const members = artifact([['meta.json', [metaEntry('ok', []), 'just a string']]]);
    expect(await readerWarnings(members)).toEqual(['META_ENTRY_NOT_OBJECT']);
    expect(await validatorCodes(members)).toContain('META_ENTRY_NOT_OBJECT');
  });

  it('a legacy metadata entry is META_ENTRY_LEGACY to the reader and to validate', async () => {
    const members = artifact([['meta.json', [{ id: 'old', tags: ['t'], payload: {} }]]]);
    expect(await readerWarnings(members)).toEqual(['META_ENTRY_LEGACY']);
    expect(await validatorCodes(members)).toContain('META_ENTRY_LEGACY');
  });

  it('a ".." member name is PATH_TRAVERSAL to the writer and to validate', async () => {
    await expect(writeTar([{ name: 'a/../../evil', body: new Uint8Array(1) }], () => {})).rejects.toMatchObject({ code: 'PATH_TRAVERSAL' });
    expect(await validatorCodes(artifact([['a/../../evil', 'x']]))).toContain('PATH_TRAVERSAL');
  });

  it('the upload rules are UPLOAD_EXTENSION and UPLOAD_TOO_LARGE to describe and to validate --for-upload', async () => {
    const members = artifact();
    const bytes = new Uint8Array(await packTar(members));
    await expect(describeBlob(new Blob([bytes]), 'model.zip', { worker: false })).rejects.toMatchObject({ code: 'UPLOAD_EXTENSION' });
    await expect(describeBlob(new Blob([bytes]), 'model.fnnx', { worker: false, maxSize: 10 })).rejects.toMatchObject({
      code: 'UPLOAD_TOO_LARGE',
    });
    expect(await validatorCodes(members, { upload: { fileName: 'model.zip', size: bytes.length, form: 'tar' } })).toContain(
      'UPLOAD_EXTENSION',
    );
    expect(await validatorCodes(members, { upload: { fileName: 'model.fnnx', size: bytes.length, form: 'tar', maxSize: 10 } })).toContain(
      'UPLOAD_TOO_LARGE',
    );
  });
});
