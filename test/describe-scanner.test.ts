import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { MemorySource, walkTar, type TarLimits } from '../src/index.js';
import { END, concat, craftMember, craftPax } from './helpers/foreign-craft.js';
import { TarScanner } from '../src/tar/scanner.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';

/** Feeds `bytes` to a scanner in pieces of the given sizes (cycled). */
function scan(bytes: Uint8Array, pieces: number[]) {
  const s = new TarScanner('test.tar', { capture: (n) => n.endsWith('.json') });
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = pieces[i % pieces.length]!;
    s.push(bytes.subarray(at, at + n));
    at += n;
  }
  return s.finish();
}

/** Archives from foreign writers, with the features the scanner must follow walkTar on. */
function foreignArchives(): Array<[string, Uint8Array]> {
  const dir = tempDir();
  const src = join(dir, 'src');
  const long = `${'d'.repeat(110)}/${'n'.repeat(120)}.json`;
  mkdirSync(join(src, 'd'.repeat(110)), { recursive: true });
  writeFileSync(join(src, long), '{"long": true}');
  writeFileSync(join(src, 'manifest.json'), '{"a": 1}');
  writeFileSync(join(src, 'données.json'), '[1]');
  writeFileSync(join(src, 'big.bin'), Buffer.alloc(70_000, 7));
  symlinkSync('manifest.json', join(src, 'link'));
  const out: Array<[string, Uint8Array]> = [['corpus', new Uint8Array(readFileSync(CORPUS_TAR))]];
  for (const format of ['gnu', 'pax', 'ustar', 'v7']) {
    const file = join(dir, `${format}.tar`);
    const members = format === 'ustar' || format === 'v7' ? ['manifest.json', 'big.bin', 'link'] : ['.'];
    execFileSync('tar', [`--format=${format}`, '-cf', file, '-C', src, ...members]);
    out.push([`GNU tar --format=${format}`, new Uint8Array(readFileSync(file))]);
  }
  // A file with many holes: old-GNU 'S' headers with extension blocks, and PAX GNU.sparse records.
  const holes = join(dir, 'holes');
  mkdirSync(holes);
  execFileSync('python3', [
    '-c',
    'import sys\nwith open(sys.argv[1], "wb") as f:\n    for i in range(12): f.seek(i * 65536); f.write(b"x" * 100)\n    f.truncate(12 * 65536)',
    join(holes, 'sparse.bin'),
  ]);
  writeFileSync(join(holes, 'manifest.json'), '{}');
  for (const format of ['gnu', 'pax']) {
    const file = join(dir, `sparse-${format}.tar`);
    execFileSync('tar', [`--format=${format}`, '--sparse', '-cf', file, '-C', holes, 'manifest.json', 'sparse.bin']);
    out.push([`GNU tar --sparse --format=${format}`, new Uint8Array(readFileSync(file))]);
  }
  const globals = join(dir, 'globals.tar');
  execFileSync('python3', [
    '-c',
    'import sys,tarfile\nwith tarfile.open(sys.argv[1],"w",format=tarfile.PAX_FORMAT,pax_headers={"comment":"g"}) as t: t.add(sys.argv[2], arcname="manifest.json")',
    globals,
    join(src, 'manifest.json'),
  ]);
  out.push(['Python PAX with a global header', new Uint8Array(readFileSync(globals))]);
  const py = join(dir, 'py.tar');
  execFileSync('python3', [
    '-c',
    'import sys,tarfile\nwith tarfile.open(sys.argv[1],"w",format=tarfile.PAX_FORMAT) as t: t.add(sys.argv[2], arcname=".")',
    py,
    src,
  ]);
  out.push(['Python PAX', new Uint8Array(readFileSync(py))]);
  return out;
}

describe('TarScanner follows walkTar exactly', () => {
  const archives = foreignArchives();
  for (const [what, bytes] of archives) {
    it(`gives walkTar's entries and end offset for ${what}, however the bytes are split`, async () => {
      const want = await walkTar(new MemorySource(bytes));
      for (const pieces of [[bytes.length], [1], [7, 511, 513], [4096], [100_000, 3]]) {
        const got = scan(bytes, pieces);
        expect(got.entries).toEqual(want.entries);
        expect(got.endOffset).toBe(want.endOffset);
      }
    });
  }

  it('captures the bytes of the members asked for, last occurrence winning', () => {
    const bytes = archives.find(([w]) => w === 'GNU tar --format=gnu')![1];
    const got = scan(bytes, [333]);
    expect(new TextDecoder().decode(got.captured.get('./manifest.json'))).toBe('{"a": 1}');
    expect(new TextDecoder().decode(got.captured.get('./données.json'))).toBe('[1]');
    expect(got.captured.has('./big.bin')).toBe(false);
  });

  it('refuses a gzip-compressed stream with COMPRESSED, as walkTar does', () => {
    const gz = gzipSync(archives[0]![1]);
    expect(() => scan(gz, [4096])).toThrow(expect.objectContaining({ code: 'COMPRESSED' }));
  });

  it('reports a stream cut inside member data as TRUNCATED_DATA and inside a header as TRUNCATED_HEADER, as walkTar does', async () => {
    const bytes = archives[0]![1];
    const { entries } = await walkTar(new MemorySource(bytes));
    const big = entries.find((e) => e.size > 100)!;
    for (const [cut, code] of [
      [big.dataOffset + 10, 'TRUNCATED_DATA'],
      [big.headerOffset + 100, 'TRUNCATED_HEADER'],
    ] as const) {
      const part = bytes.subarray(0, cut);
      expect(() => scan(part, [100])).toThrow(expect.objectContaining({ code }));
      await expect(walkTar(new MemorySource(part))).rejects.toMatchObject({ code });
    }
  });

  it('refuses an empty stream and one of only zero blocks with EMPTY_ARCHIVE', () => {
    expect(() => scan(new Uint8Array(0), [1])).toThrow(expect.objectContaining({ code: 'EMPTY_ARCHIVE' }));
    expect(() => scan(new Uint8Array(1024), [1])).toThrow(expect.objectContaining({ code: 'EMPTY_ARCHIVE' }));
  });
});

describe('TarScanner and walkTar share one decoder: the rules they used to disagree on', () => {
  const paxMembers = (n: number) =>
    concat(
      ...Array.from({ length: n }, (_, i) => [craftPax({ path: `dir/member-${i}.json` }), craftMember('{}', { name: `m${i}` })]).flat(),
      END,
    );
  const both = async (bytes: Uint8Array, limits?: Partial<TarLimits>) => {
    const walked = await walkTar(new MemorySource(bytes, 'test.tar'), { limits }).then(
      (r) => r.entries.length,
      (e: { code: string }) => e.code,
    );
    let scanned: number | string;
    try {
      const s = new TarScanner('test.tar', { limits });
      s.push(bytes);
      scanned = s.finish().entries.length;
    } catch (e) {
      scanned = (e as { code: string }).code;
    }
    return [walked, scanned];
  };

  it('a bzip2 file is COMPRESSED to both (the scanner used to say NOT_A_TAR)', async () => {
    const bz = execFileSync('bzip2', ['-c'], { input: paxMembers(2) });
    expect(await both(new Uint8Array(bz))).toEqual(['COMPRESSED', 'COMPRESSED']);
  });

  it('maxMembers counts members, not PAX headers: 600 PAX members pass maxMembers=1000 in both', async () => {
    expect(await both(paxMembers(600), { maxMembers: 1000 })).toEqual([600, 600]);
    expect(await both(paxMembers(600), { maxMembers: 599 })).toEqual(['LIMIT_EXCEEDED', 'LIMIT_EXCEEDED']);
  });

  it('maxExtendedTotal bounds the PAX bytes read by both (the scanner never enforced it)', async () => {
    expect(await both(paxMembers(20), { maxExtendedTotal: 500 })).toEqual(['LIMIT_EXCEEDED', 'LIMIT_EXCEEDED']);
  });

  it('a global header with no member header after it is TRUNCATED_HEADER to both, as Python refuses it (found by the differential test)', async () => {
    const dir = tempDir();
    for (const [name, bytes] of [
      ['ends.tar', concat(craftPax({ comment: 'g' }, 'g'))],
      ['zeros.tar', concat(craftPax({ comment: 'g' }, 'g'), END)],
    ] as const) {
      expect(await both(bytes), name).toEqual(['TRUNCATED_HEADER', 'TRUNCATED_HEADER']);
      writeFileSync(join(dir, name), bytes);
      const python = spawnSync('python3', ['-c', 'import sys,tarfile; tarfile.open(sys.argv[1]).getmembers()', join(dir, name)]);
      expect(python.status, name).not.toBe(0);
    }
    // Followed by a member, the same global header is fine.
    expect(await both(concat(craftPax({ comment: 'g' }, 'g'), craftMember('{}', { name: 'a' }), END))).toEqual([1, 1]);
  });

  it('an archive cut inside the padding after member data is TRUNCATED_DATA to both, as Python refuses it', async () => {
    const bytes = craftMember('abc', { name: 'a' }).subarray(0, 600);
    expect(await both(bytes)).toEqual(['TRUNCATED_DATA', 'TRUNCATED_DATA']);
  });
});
