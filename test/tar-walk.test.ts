/** The header walk on whole archives: typed errors for broken input, the end offset, and quirks. */
import { describe, expect, it } from 'vitest';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FileSource, LimitError, MemorySource, TarFormatError, walkTar, type WalkResult } from '../src/index.js';
import { fileIndexOf } from '../src/tar/file-index.js';
import { END, concat, craftHeader, craftMember, craftPax } from './helpers/foreign-craft.js';
import { buildTree, gnuTarWrite, pythonRead } from './helpers/foreign-tar.js';
import { tempDir } from './helpers/paths.js';

const walk = (bytes: Uint8Array, limits?: Parameters<typeof walkTar>[1]) => walkTar(new MemorySource(bytes, 'test.tar'), limits);

async function failure(bytes: Uint8Array, limits?: Parameters<typeof walkTar>[1]): Promise<TarFormatError | LimitError> {
  try {
    await walk(bytes, limits);
  } catch (e) {
    if (e instanceof TarFormatError || e instanceof LimitError) return e;
    throw e;
  }
  throw new Error('the walk succeeded');
}

/** Writes crafted bytes to a file and returns what Python's tarfile makes of them. */
function python(bytes: Uint8Array) {
  const path = join(tempDir(), 'crafted.tar');
  writeFileSync(path, bytes);
  return pythonRead(path);
}

describe('not a tar at all', () => {
  it('an empty file is EMPTY_ARCHIVE', async () => {
    expect((await failure(new Uint8Array(0))).code).toBe('EMPTY_ARCHIVE');
  });

  it('a file of only zero blocks is EMPTY_ARCHIVE', async () => {
    expect((await failure(new Uint8Array(10240))).code).toBe('EMPTY_ARCHIVE');
  });

  it('a gzip-compressed tar is COMPRESSED, with a hint to decompress', async () => {
    const e = await failure(gzipSync(concat(craftMember('{}', { name: 'manifest.json' }), END)));
    expect(e.code).toBe('COMPRESSED');
    expect(e.hint).toMatch(/decompress/);
  });

  it('text or a zip is NOT_A_TAR (the first header decides), not a checksum complaint', async () => {
    expect((await failure(new TextEncoder().encode('{"variant": "pipeline"}'.padEnd(2048)))).code).toBe('NOT_A_TAR');
    expect((await failure(concat(new Uint8Array([0x50, 0x4b, 3, 4]), new Uint8Array(1020)))).code).toBe('NOT_A_TAR');
  });
});

describe('truncated archives', () => {
  it('a file shorter than one header is NOT_A_TAR; ending inside a later header is TRUNCATED_HEADER', async () => {
    expect((await failure(craftHeader().subarray(0, 300))).code).toBe('NOT_A_TAR');
    const e = await failure(concat(craftMember('x', { name: 'a' }), craftHeader({ name: 'b' }).subarray(0, 200)));
    expect(e.code).toBe('TRUNCATED_HEADER');
    expect(e.message).toMatch(/offset 1024/);
  });

  it('member data running past the end is TRUNCATED_DATA naming the member', async () => {
    const e = await failure(concat(craftHeader({ name: 'ops_artifacts/main/model.onnx', size: 5000 }), new Uint8Array(1024)));
    expect(e.code).toBe('TRUNCATED_DATA');
    expect(e.member).toBe('ops_artifacts/main/model.onnx');
  });

  it('no end-of-archive blocks: the members are kept, with a warning, and endOffset is the file end', async () => {
    const bytes = concat(craftMember('{}', { name: 'manifest.json' }), craftMember('[]', { name: 'ops.json' }));
    const r = await walk(bytes);
    expect(r.entries.map((e) => e.name)).toEqual(['manifest.json', 'ops.json']);
    expect(r.warnings).toEqual(['archive ends without end-of-archive blocks']);
    expect(r.endOffset).toBe(bytes.length);
  });

  it('an extended header followed by the end, with no member, is TRUNCATED_HEADER (Python refuses it too)', async () => {
    const bytes = concat(craftMember('{}', { name: 'manifest.json' }), craftPax({ path: 'lost.json' }), END);
    const e = await failure(bytes);
    expect(e.code).toBe('TRUNCATED_HEADER');
    expect(e.message).toMatch(/offset 1024 has no member/);
    expect(() => python(bytes)).toThrow(/ReadError/);
    expect((await failure(concat(craftMember('{}', { name: 'manifest.json' }), craftPax({ path: 'lost.json' })))).code).toBe(
      'TRUNCATED_HEADER',
    );
  });

  it('a single end block (not two) still ends the archive without a warning', async () => {
    const r = await walk(concat(craftMember('{}', { name: 'manifest.json' }), new Uint8Array(512)));
    expect(r.warnings).toEqual([]);
    expect(r.endOffset).toBe(1024);
  });
});

describe('broken later headers (stricter than Python, which silently stops listing there)', () => {
  it('a bad checksum after the first member is BAD_CHECKSUM, not a short member list', async () => {
    const second = craftMember('[]', { name: 'ops.json' });
    second[0]! ^= 1;
    const bytes = concat(craftMember('{}', { name: 'manifest.json' }), second, END);
    expect((await failure(bytes)).code).toBe('BAD_CHECKSUM');
    expect(python(bytes).members.map((m) => m.name)).toEqual(['manifest.json']);
  });

  it('a non-octal size in a later header is BAD_NUMBER', async () => {
    const bytes = concat(craftMember('{}', { name: 'manifest.json' }), craftHeader({ name: 'ops.json', size: '12x' }), END);
    expect((await failure(bytes)).code).toBe('BAD_NUMBER');
  });

  it('a PAX size meant for the member does not resize a GNU long-name header between them', async () => {
    const longName = 'l'.repeat(150);
    const bytes = concat(
      craftPax({ size: '3' }),
      craftMember(`${longName}\0`, { name: '././@LongLink', typeflag: 'L' }),
      craftMember('abc', { name: 'short', size: 0 }),
      END,
    );
    expect(fileIndexOf((await walk(bytes)).entries)).toEqual({ [longName]: [2560, 3] });
    expect(fileIndexOf((await walk(bytes)).entries)).toEqual(python(bytes).index);
  });

  it('a PAX size record that is not a number is BAD_PAX', async () => {
    const bytes = concat(craftPax({ size: '12abc' }), craftMember('x', { name: 'a' }), END);
    expect((await failure(bytes)).code).toBe('BAD_PAX');
  });
});

describe('limits', () => {
  it('an extended header over maxExtendedHeader is a LimitError naming the option', async () => {
    const bytes = concat(craftPax({ comment: 'c'.repeat(5000) }), craftMember('x', { name: 'a' }), END);
    const e = await failure(bytes, { limits: { maxExtendedHeader: 4096 } });
    expect(e).toBeInstanceOf(LimitError);
    expect((e as LimitError).limit).toBe('maxExtendedHeader');
  });

  it('maxMembers counts members, not their PAX headers: 3 members each with a PAX header pass a limit of 3', async () => {
    const members = Array.from({ length: 3 }, (_, i) => [craftPax({ comment: 'c' }), craftMember('x', { name: `f${i}` })]).flat();
    const { entries } = await walkTar(new MemorySource(concat(...members, END)), { limits: { maxMembers: 3 } });
    expect(entries.map((e) => e.name)).toEqual(['f0', 'f1', 'f2']);
  });

  it('more members than maxMembers is a LimitError', async () => {
    const bytes = concat(...Array.from({ length: 5 }, (_, i) => craftMember('x', { name: `f${i}` })), END);
    expect(((await failure(bytes, { limits: { maxMembers: 3 } })) as LimitError).limit).toBe('maxMembers');
  });
});

describe('Python quirks we follow', () => {
  it('data after a directory or link header is not skipped, whatever its size field says (as Python does)', async () => {
    const bytes = concat(
      craftHeader({ name: 'dir/', typeflag: '5', size: 512 }),
      craftHeader({ name: 'link', typeflag: '2', linkname: 'manifest.json', size: 512 }),
      craftMember('{}', { name: 'manifest.json' }),
      END,
    );
    const r = await walk(bytes);
    expect(r.entries.map((e) => [e.name, e.kind])).toEqual([
      ['dir', 'directory'],
      ['link', 'symlink'],
      ['manifest.json', 'file'],
    ]);
    expect(fileIndexOf(r.entries)).toEqual(python(bytes).index);
  });

  it('an old-style regular-file header (typeflag NUL) whose name ends in "/" is a directory', async () => {
    const bytes = concat(
      craftHeader({ name: 'old/', typeflag: '\0', magic: 'v7' }),
      craftMember('a', { name: 'old/a.txt', typeflag: '\0', magic: 'v7' }),
      END,
    );
    const r = await walk(bytes);
    expect(r.entries.map((e) => [e.name, e.kind])).toEqual([
      ['old', 'directory'],
      ['old/a.txt', 'file'],
    ]);
    expect(python(bytes).members.map((m) => [m.name, m.kind])).toEqual([
      ['old', 'directory'],
      ['old/a.txt', 'file'],
    ]);
  });

  it('a PAX path overrides the header name and loses trailing slashes; a PAX size overrides the size field', async () => {
    const bytes = concat(
      craftPax({ path: 'really/long/name.json/', size: '3' }),
      craftMember('abc', { name: 'short', size: 0 }),
      craftMember('z', { name: 'next' }),
      END,
    );
    const r = await walk(bytes);
    expect(fileIndexOf(r.entries)).toEqual({ 'really/long/name.json': [1536, 3], next: [2560, 1] });
    expect(fileIndexOf(r.entries)).toEqual(python(bytes).index);
  });

  it('a global PAX header applies to later members but is not their first header', async () => {
    const bytes = concat(craftPax({ comment: 'hi' }, 'g'), craftMember('{}', { name: 'manifest.json' }), END);
    const r = await walk(bytes);
    expect(r.entries[0]).toMatchObject({ name: 'manifest.json', headerOffset: 1024, dataOffset: 1536 });
    expect(python(bytes).members[0]!.offset).toBe(1024);
  });

  it('unknown typeflags are noted as "other", their data skipped, and not indexed', async () => {
    const bytes = concat(craftMember('dumpdir', { name: 'weird', typeflag: 'D' }), craftMember('{}', { name: 'manifest.json' }), END);
    const r = await walk(bytes);
    expect(r.entries.map((e) => [e.name, e.kind])).toEqual([
      ['weird', 'other'],
      ['manifest.json', 'file'],
    ]);
    expect(fileIndexOf(r.entries)).toEqual({ 'manifest.json': [1536, 2] });
  });
});

describe('endOffset: where the end-of-archive blocks begin', () => {
  it('is where GNU tar -r writes the next member, although GNU tar pads the file to 10 KiB records', async () => {
    const dir = tempDir();
    const root = join(dir, 'tree');
    const names = buildTree(root);
    const archive = join(dir, 'a.tar');
    gnuTarWrite(archive, root, names, 'gnu');
    let before: WalkResult;
    const src = await FileSource.open(archive);
    try {
      before = await walkTar(src);
    } finally {
      await src.close();
    }
    expect(before.endOffset).toBeLessThan(statSync(archive).size - 1024);
    expect(before.endOffset % 512).toBe(0);

    gnuTarWrite(archive, root, ['empty.txt'], 'gnu', { append: true });
    const after = await FileSource.open(archive);
    try {
      const { entries } = await walkTar(after);
      expect(entries.at(-1)).toMatchObject({ name: 'empty.txt', headerOffset: before.endOffset });
    } finally {
      await after.close();
    }
  });
});
