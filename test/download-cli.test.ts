import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';
import { pythonFileIndex } from './helpers/python.js';

const SIZE = 8 * 1024 * 1024;
let root: string;
let out: string;
let blob: Buffer;
let server: RangeServer;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  root = tempDir('fnnx-dlcli-src-');
  out = tempDir('fnnx-dlcli-out-');
  blob = randomBytes(SIZE);
  writeFileSync(join(root, 'model.fnnx'), blob);
  copyFileSync(CORPUS_TAR, join(root, 'corpus.fnnx'));
  server = await startRangeServer(root);
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('fnnx-kit download', () => {
  it('--json prints the result, verifies --sha256 and --size, writes nothing to stderr off a terminal', async () => {
    const file = join(out, 'a.fnnx');
    const r = await runCliAsync([
      'download',
      server.url('model.fnnx'),
      '-o',
      file,
      '--sha256',
      sha(blob),
      '--size',
      String(SIZE),
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      file,
      size: SIZE,
      sha256: sha(blob),
      transferred: SIZE,
      requests: 1,
      verified: ['size', 'sha256'],
    });
    expect(readFileSync(file).equals(blob)).toBe(true);
  });

  it('--descriptor checks size, file_hash and file_index', async () => {
    const bytes = readFileSync(CORPUS_TAR);
    const desc = join(out, 'descriptor.json');
    writeFileSync(
      desc,
      JSON.stringify({ file_name: 'corpus.fnnx', file_hash: sha(bytes), size: bytes.length, file_index: pythonFileIndex(CORPUS_TAR) }),
    );
    const file = join(out, 'c.fnnx');
    const r = await runCliAsync(['download', server.url('corpus.fnnx'), '-o', file, '--descriptor', desc]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('verified size, sha256, file_index');
  });

  it('exits 1 on a hash mismatch, with one line, leaving no file and no part', async () => {
    const file = join(out, 'b.fnnx');
    const r = await runCliAsync(['download', server.url('model.fnnx'), '-o', file, '--sha256', 'f'.repeat(64)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^fnnx-kit: http:\/\/127\.0\.0\.1:\d+\/\S+: SHA-256 is [0-9a-f]{64}, expected f{64} \(HASH_MISMATCH\)\n {2}hint: [^\n]+\n$/,
    );
    expect(existsSync(file) || existsSync(`${file}.part`) || existsSync(`${file}.part.json`)).toBe(false);
  });

  it('stops on SIGINT while the server stalls, leaving a part; the next run resumes it and transfers at most 80%', async () => {
    const file = join(out, 'd.fnnx');
    // The server stalls a little past 25%; Ctrl-C comes once at least 25% is on disk.
    server.inject({ kind: 'stall', afterBytes: Math.round(SIZE * 0.3) });
    const first = await runCliAsync(['download', server.url('model.fnnx'), '-o', file], {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (existsSync(`${file}.part`) && statSync(`${file}.part`).size >= SIZE / 4) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        }, 10);
      },
    });
    // The server stalls for good: only the signal ends this run (a stall timeout would end in its own error, exit 2).
    expect(first.code).toBe(130);
    expect(first.stderr).toMatch(/^fnnx-kit: interrupted \(SIGINT\)\n {2}hint: .*run the same command again to resume\n$/);
    expect(existsSync(file)).toBe(false);
    const kept = statSync(`${file}.part`).size;
    expect(kept).toBeGreaterThanOrEqual(SIZE / 4);
    expect(kept).toBeLessThanOrEqual(Math.round(SIZE * 0.3));
    server.reset();
    const second = await runCliAsync(['download', server.url('model.fnnx'), '-o', file, '--sha256', sha(blob), '--json']);
    expect(second.code, second.stderr).toBe(0);
    const result = JSON.parse(second.stdout) as { transferred: number; resumed_from: number };
    expect(result).toMatchObject({ resumed_from: kept, transferred: SIZE - kept });
    expect(result.transferred).toBeLessThanOrEqual(0.8 * SIZE);
    expect(server.requests.map((q) => q.range)).toEqual([`bytes=${kept}-`]);
    expect(readFileSync(file).equals(blob)).toBe(true);
  });

  it('refuses a path that is not a URL (exit 2)', async () => {
    const r = await runCliAsync(['download', 'model.fnnx', '-o', join(out, 'x.fnnx')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(NOT_A_URL)');
  });

  it('keeps peak memory flat as the download grows: 512 MiB peaks within 1.5x of 128 MiB (socket buffers are freed as they die)', async () => {
    /** The CLI's peak RSS in MiB (GNU time measures its process alone; the server lives in this one). */
    const peakOf = async (size: number): Promise<number> => {
      const name = `big-${size}.fnnx`;
      writeFileSync(join(root, name), '');
      truncateSync(join(root, name), size); // a hole: the server reads page-cache zeros
      const file = join(out, name);
      const rssFile = join(out, `${name}.rss`);
      const r = await runCliAsync(['download', server.url(name), '-o', file, '--size', String(size)], {
        wrap: ['/usr/bin/time', '-f', '%M', '-o', rssFile],
      });
      expect(r.code, r.stderr).toBe(0);
      expect(statSync(file).size).toBe(size);
      rmSync(file);
      return Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
    };
    const small = await peakOf(128 << 20);
    const large = await peakOf(512 << 20);
    expect(small).toBeGreaterThan(20);
    // A body held whole (or a leak per chunk) would put the 512 MiB run hundreds of MiB above the 128 MiB one.
    expect(large / small).toBeLessThan(1.5);
    expect(large).toBeLessThan(256);
  });
});
