import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeSync, copyFileSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { BIG_MEMBER, writeSparseArtifact, type SparseArtifact } from './helpers/sparse-artifact.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';
import { pythonFileIndex } from './helpers/python.js';

let dir: string;
let big: SparseArtifact;
let server: RangeServer;

beforeAll(async () => {
  dir = tempDir('fnnx-remote-cli-');
  big = writeSparseArtifact(join(dir, 'big.fnnx'), 1024 ** 3);
  copyFileSync(CORPUS_TAR, join(dir, 'corpus.fnnx'));
  writeFileSync(join(dir, 'big.index.json'), JSON.stringify(big.index));
  server = await startRangeServer(dir);
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('CLI on URLs', () => {
  it('inspect --json on a 1 GiB remote artifact takes at most 2 requests and 256 KiB', async () => {
    const r = await runCliAsync(['inspect', '--json', server.url('big.fnnx')]);
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { manifest: { producer_name: string }; file_index: Record<string, [number, number]> };
    expect(report.manifest.producer_name).toBe('fnnx-kit-tests');
    expect(report.file_index[BIG_MEMBER]).toEqual(big.index[BIG_MEMBER]);
    expect(server.requests.length).toBeLessThanOrEqual(2);
    expect(server.bytesSent()).toBeLessThanOrEqual(256 * 1024);
  });

  it('cat --index reads manifest.json from a URL in exactly one request of exactly its bytes', async () => {
    const r = await runCliAsync(['cat', '--index', join(dir, 'big.index.json'), server.url('big.fnnx'), 'manifest.json']);
    expect(r.code, r.stderr).toBe(0);
    const [offset, size] = big.index['manifest.json']!;
    const want = Buffer.alloc(size);
    const fd = openSync(join(dir, 'big.fnnx'), 'r');
    readSync(fd, want, 0, size, offset);
    closeSync(fd);
    expect(r.stdoutBytes.equals(want)).toBe(true);
    expect(server.requests.map((q) => [q.range, q.bytes])).toEqual([[`bytes=${offset}-${offset + size - 1}`, size]]);
  });

  it('index on a URL prints what Python tarfile finds in the file', async () => {
    const r = await runCliAsync(['index', server.url('corpus.fnnx')]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(pythonFileIndex(CORPUS_TAR));
  });

  it('cat on a URL streams a member byte for byte', async () => {
    const idx = pythonFileIndex(CORPUS_TAR);
    const [name, [offset, size]] = Object.entries(idx).sort((a, b) => b[1][1] - a[1][1])[0]!;
    const r = await runCliAsync(['cat', server.url('corpus.fnnx'), name]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdoutBytes.equals(readFileSync(CORPUS_TAR).subarray(offset, offset + size))).toBe(true);
  });

  it('inspect survives two 503s on a URL', async () => {
    server.inject({ kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    const r = await runCliAsync(['inspect', '--json', server.url('corpus.fnnx')]);
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.slice(0, 3).map((q) => q.status)).toEqual([503, 503, 206]);
  });

  it('exits 2 with one RANGE_NOT_SUPPORTED line when the server ignores Range', async () => {
    server.inject({ kind: 'ignoreRange' });
    const r = await runCliAsync(['inspect', server.url('big.fnnx')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fnnx-kit: .*\(RANGE_NOT_SUPPORTED\)\n {2}hint: /);
    expect(server.requests).toHaveLength(1);
  });

  it('exits 2 with HTTP_STATUS on a 404 and never prints the query string of a presigned URL', async () => {
    const r = await runCliAsync(['inspect', `${server.url('missing.fnnx')}?X-Amz-Signature=secret`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(HTTP_STATUS)');
    expect(r.stderr).not.toContain('secret');
  });
});
