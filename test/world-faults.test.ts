/**
 * The world's faults through the CLI as real child processes: a full disk, a missing or wrong
 * path, a permission the kernel refuses even to root, a name too long, a reader that went away,
 * and hostile leftovers of a download. Each ends in one typed line (or quietly), never INTERNAL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BIN, runCli, type CliResult } from './helpers/cli.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';
import { CORPUS_TAR, TESTOP_DIR, tempDir } from './helpers/paths.js';

function expectTyped(r: CliResult, code: string): void {
  expect(r.stderr, r.stderr).toMatch(new RegExp(`^fnnx-kit: .*\\(${code}\\)\\n  hint: .+\\n$`));
  expect(r.stderr).not.toMatch(/INTERNAL/);
  expect(r.code).toBe(2);
}

/** A folder with a 2 MiB member: its artifact cannot fit in the 1 MiB file system below. */
function bigFolder(): string {
  const dir = join(tempDir(), 'model');
  execFileSync('cp', ['-r', TESTOP_DIR, dir]);
  writeFileSync(join(dir, 'variant_artifacts/weights.bin'), randomBytes(2 * 2 ** 20));
  return dir;
}

describe('a full disk (ENOSPC, a 1 MiB tmpfs mounted by the test) is NO_SPACE, exit 2, nothing left behind', () => {
  let full: string;
  beforeAll(() => {
    full = tempDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full]);
  });
  afterAll(() => {
    execFileSync('umount', [full]);
  });

  it('pack -o onto it', () => {
    const r = runCli(['pack', bigFolder(), '-o', join(full, 'model.fnnx'), '-q']);
    expectTyped(r, 'NO_SPACE');
    expect(readdirSync(full)).toEqual([]);
  });

  it('append-meta to an artifact on it: the artifact keeps its bytes', () => {
    const path = join(full, 'model.fnnx');
    copyFileSync(CORPUS_TAR, path);
    const before = readFileSync(path);
    const dir = tempDir();
    writeFileSync(
      join(dir, 'entry.json'),
      JSON.stringify({ id: 'big', producer: 't', producer_version: '1', producer_tags: ['t::r:v1'], payload: {} }),
    );
    writeFileSync(join(dir, 'big.bin'), randomBytes(2 * 2 ** 20));
    const r = runCli(['append-meta', path, '--entry', join(dir, 'entry.json'), '--attach', `big.bin=${join(dir, 'big.bin')}`]);
    expectTyped(r, 'NO_SPACE');
    expect(readFileSync(path).equals(before)).toBe(true);
    rmSync(path);
  });

  it('extract into it', () => {
    const src = join(tempDir(), 'model.fnnx');
    expect(runCli(['pack', bigFolder(), '-o', src, '-q']).code).toBe(0);
    expectTyped(runCli(['extract', src, '-C', join(full, 'out')]), 'NO_SPACE');
    rmSync(join(full, 'out'), { recursive: true, force: true });
  });

  it('download -o onto it (the part stays, to resume once there is room)', async () => {
    const src = tempDir();
    writeFileSync(join(src, 'big.fnnx'), randomBytes(2 * 2 ** 20));
    const server = await startRangeServer(src);
    try {
      const r = await runCliAsync(['download', server.url('big.fnnx'), '-o', join(full, 'big.fnnx')]);
      expectTyped(r, 'NO_SPACE');
      expect(existsSync(join(full, 'big.fnnx'))).toBe(false);
    } finally {
      await server.close();
      rmSync(join(full, 'big.fnnx.part'), { force: true });
      rmSync(join(full, 'big.fnnx.part.json'), { force: true });
    }
  });

  it('standard output redirected to /dev/full', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" cat "${CORPUS_TAR}" manifest.json > /dev/full`], { encoding: 'utf8' });
    expectTyped({ code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, stdoutBytes: Buffer.alloc(0) }, 'NO_SPACE');
    expect(r.stderr).toContain('standard output');
  });
});

describe('paths the file system refuses', () => {
  it('a folder that does not exist is NOT_FOUND', () => {
    expectTyped(runCli(['pack', join(tempDir(), 'nope'), '-o', join(tempDir(), 'x.fnnx')]), 'NOT_FOUND');
  });

  it('a path through a regular file is NOT_A_DIRECTORY (pack of a file/sub, inspect of file/x)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    expectTyped(runCli(['pack', join(dir, 'file/sub'), '-o', join(dir, 'x.fnnx')]), 'NOT_A_DIRECTORY');
    expectTyped(runCli(['inspect', join(dir, 'file/x.fnnx')]), 'NOT_A_DIRECTORY');
  });

  it('a place the kernel refuses even to root (creating a file in /sys) is PERMISSION_DENIED (EACCES)', () => {
    const r = runCli(['pack', TESTOP_DIR, '-o', '/sys/kernel/model.fnnx', '-q']);
    expectTyped(r, 'PERMISSION_DENIED');
    expect(r.stderr).toMatch(/permission denied/);
  });

  it('a missing --descriptor or --index file is NOT_FOUND (the same code as any missing path)', () => {
    const missing = join(tempDir(), 'nope.json');
    expectTyped(runCli(['download', 'http://127.0.0.1:9/x.fnnx', '-o', join(tempDir(), 'x.fnnx'), '--descriptor', missing]), 'NOT_FOUND');
    expectTyped(runCli(['index', '--index', missing, CORPUS_TAR]), 'NOT_FOUND');
  });

  it('a name longer than the file system allows is NAME_TOO_LONG', () => {
    const long = join(tempDir(), `${'n'.repeat(300)}.fnnx`);
    expectTyped(runCli(['inspect', long]), 'NAME_TOO_LONG');
    expectTyped(runCli(['pack', TESTOP_DIR, '-o', long, '-q']), 'NAME_TOO_LONG');
  });
});

describe('a reader that goes away (EPIPE)', () => {
  it('inspect --json of a big artifact piped into head -c 10 ends quietly, as cat does (no message, exit 141)', () => {
    const dir = tempDir();
    const folder = join(dir, 'many');
    execFileSync('cp', ['-r', TESTOP_DIR, folder]);
    mkdirSync(join(folder, 'variant_artifacts/many'));
    for (let i = 0; i < 4000; i++) writeFileSync(join(folder, `variant_artifacts/many/f${i}.txt`), 'x');
    // GNU tar makes the big artifact (pack of 4000 files is slow for reasons of its own); pack streams one 4 MiB member.
    const art = join(dir, 'many.fnnx');
    execFileSync('tar', ['-cf', art, '-C', folder, ...readdirSync(folder)]);
    const packed = bigFolder();
    for (const command of [`inspect --json "${art}"`, `index "${art}"`, `pack "${packed}" -o - -q`]) {
      const script = `"${process.execPath}" "${BIN}" ${command} 2>"${dir}/err" | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`;
      const status = execFileSync('bash', ['-c', script], { encoding: 'utf8' }).trim();
      expect(readFileSync(join(dir, 'err'), 'utf8'), command).toBe('');
      expect(status, command).toBe('141');
    }
  });
});

describe('download: faults of the server, the descriptor and the leftovers of an earlier run', () => {
  let root: string;
  let server: RangeServer;
  const blob = randomBytes(256 * 1024);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  beforeAll(async () => {
    root = tempDir();
    writeFileSync(join(root, 'empty.fnnx'), '');
    writeFileSync(join(root, 'model.fnnx'), blob);
    server = await startRangeServer(root);
  });
  afterAll(() => server.close());

  it('an empty (0-byte) object, answered 416 to bytes=0-, downloads as an empty file', async () => {
    const file = join(tempDir(), 'empty.fnnx');
    const r = await runCliAsync(['download', server.url('empty.fnnx'), '-o', file, '--size', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.some((q) => q.status === 416)).toBe(true);
    expect(readFileSync(file).length).toBe(0);
    expect(existsSync(`${file}.part`) || existsSync(`${file}.part.json`)).toBe(false);
  });

  for (const [what, index] of [
    ['a size that is not a number', { 'manifest.json': [512, 'ten'] }],
    ['one number, not a pair', { 'manifest.json': 512 }],
    ['a negative offset', { 'manifest.json': [-1, 10] }],
    ['an unsafe integer', { 'manifest.json': [0, 2 ** 60] }],
  ] as const) {
    it(`a --descriptor whose file_index has ${what} is BAD_DESCRIPTOR before any request`, async () => {
      server.reset();
      const dir = tempDir();
      writeFileSync(join(dir, 'd.json'), JSON.stringify({ size: blob.length, file_index: index }));
      const r = await runCliAsync(['download', server.url('model.fnnx'), '-o', join(dir, 'm.fnnx'), '--descriptor', join(dir, 'd.json')]);
      expectTyped(r, 'BAD_DESCRIPTOR');
      expect(r.stderr).toContain('manifest.json');
      expect(server.requests).toEqual([]);
    });
  }

  const leftovers: Array<[string, string]> = [
    ['garbage', 'not json at all {'],
    [
      'CR/LF in the ETag it would send back as If-Match',
      JSON.stringify({ url: '', identity: { size: 256 * 1024, etag: '"x"\r\nX-Injected: 1' } }),
    ],
    ['no ETag or Last-Modified (nothing proves which object the part holds)', JSON.stringify({ url: '', identity: { size: 256 * 1024 } })],
    [
      'the record of another URL',
      JSON.stringify({
        url: 'http://127.0.0.1:9/other.fnnx',
        identity: { size: 256 * 1024, lastModified: 'Mon, 30 Nov 2026 10:00:00 GMT' },
      }),
    ],
    ['no .part.json at all', ''],
  ];
  for (const [what, sidecar] of leftovers) {
    it(`a .part with ${what}: warned about, discarded, the download starts over and is right`, async () => {
      server.reset();
      const file = join(tempDir(), 'model.fnnx');
      const url = server.url('model.fnnx');
      writeFileSync(`${file}.part`, randomBytes(1000));
      if (sidecar) writeFileSync(`${file}.part.json`, sidecar.replace('"url":""', `"url":${JSON.stringify(url)}`));
      const r = await runCliAsync(['download', url, '-o', file, '--sha256', sha(blob)]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^fnnx-kit: warning: .*\.part.*: starting the download over\n/);
      expect(readFileSync(file).equals(blob)).toBe(true);
      expect(server.requests.map((q) => q.range)).toEqual(['bytes=0-']);
      expect(server.requests.every((q) => q.headers['x-injected'] === undefined)).toBe(true);
    });
  }
});
