import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';
import { partsPutSince, startFaultProxy } from './helpers/fault-proxy.js';
import { tempDir } from './helpers/paths.js';
import { sha256Hex as sha } from './helpers/sha.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { initiateDetails, objectBytes, partsDetails, singleDetails, startS3, type S3Fixture } from './helpers/s3-server.js';

let s3: S3Fixture;
let dir: string;
let n = 0;
beforeAll(async () => {
  s3 = await startS3();
  dir = tempDir('fnnx-upload-cli-');
});
afterAll(() => s3?.close());

function files(size: number, details: unknown) {
  const bytes = randomBytes(size);
  const file = join(dir, `m${++n}.fnnx`);
  writeFileSync(file, bytes);
  const detailsFile = join(dir, `d${n}.json`);
  writeFileSync(detailsFile, JSON.stringify(details));
  return { file, bytes, detailsFile };
}

describe('fnnx-kit upload', { timeout: 60_000 }, () => {
  it('--help shows examples of both steps, and where the details format is written down', async () => {
    const r = await runCliAsync(['upload', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('fnnx-kit upload --initiate');
    expect(r.stdout).toContain('--initiate <url|details.json>');
    expect(r.stdout).toContain('README.md, "Upload details"');
    expect(r.stdout).toMatch(/--speed-time <seconds>/);
  });

  it('--initiate prints the upload id; --details with the parts then uploads, --json prints the result', async () => {
    const key = `c${++n}.fnnx`;
    const init = await runCliAsync(['upload', '--initiate', (await initiateDetails(s3, key)).url]);
    expect(init.code, init.stderr).toBe(0);
    const uploadId = init.stdout.trim();
    expect(uploadId).toMatch(/^\S+$/);
    const size = 300_000;
    const { file, bytes, detailsFile } = files(size, await partsDetails(s3, key, uploadId, size, 100_000));
    const descriptor = join(dir, 'desc.json');
    writeFileSync(descriptor, JSON.stringify({ file_name: 'm.fnnx', file_hash: sha(bytes), size }));
    const r = await runCliAsync(['upload', file, '--details', detailsFile, '--descriptor', descriptor, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ file, sha256: sha(bytes), parts_sent: 3, verified: ['size', 'sha256'] });
    expect((await objectBytes(s3, key))?.equals(bytes)).toBe(true);
  });

  it('exits 1 with SIZE_MISMATCH when --size differs, and sends nothing', async () => {
    const proxy = await startFaultProxy(s3.endpoint);
    try {
      const { file, detailsFile } = files(1000, await singleDetails(s3, `c${++n}.fnnx`, proxy.origin));
      const r = await runCliAsync(['upload', file, '--details', detailsFile, '--size', '999']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/\(SIZE_MISMATCH\)\n/);
      expect(proxy.attempted).toHaveLength(0);
    } finally {
      await proxy.close();
    }
  });

  it('SIGINT stops it with the state kept; the same command again sends only the missing parts', async () => {
    const key = `c${++n}.fnnx`;
    let interrupt: (() => void) | undefined;
    const proxy = await startFaultProxy(s3.endpoint, (req) => {
      if (req.part === '3' && interrupt) {
        interrupt();
        interrupt = undefined;
        return { kind: 'hang' };
      }
      return { kind: 'pass' };
    });
    try {
      const init = await runCliAsync(['upload', '--initiate', (await initiateDetails(s3, key)).url]);
      const size = 400_000;
      const { file, bytes, detailsFile } = files(size, await partsDetails(s3, key, init.stdout.trim(), size, 100_000, proxy.origin));
      const args = ['upload', file, '--details', detailsFile, '--sha256', sha(bytes), '--concurrency', '1'];
      const first = await runCliAsync(args, { onSpawn: (child) => (interrupt = () => child.kill('SIGINT')) });
      expect(first.code).toBe(130);
      expect(first.stderr).toMatch(/^fnnx-kit: interrupted \(SIGINT\)\n {2}hint: .*run the same command again.*\n$/);
      expect(existsSync(`${file}.upload.json`)).toBe(true);
      const before = proxy.seen.length;
      const second = await runCliAsync(args);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('2 part(s) sent, 2 resumed');
      expect(partsPutSince(proxy.seen, before)).toEqual(['3', '4']);
      expect((await objectBytes(s3, key))?.equals(bytes)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('keeps peak memory under 100 MiB sending 256 MiB in two 128 MiB parts (parts are streamed, not held)', async () => {
    const key = `c${++n}.fnnx`;
    const size = 256 * 1024 * 1024;
    const init = await runCliAsync(['upload', '--initiate', (await initiateDetails(s3, key)).url]);
    const { file, detailsFile } = files(0, await partsDetails(s3, key, init.stdout.trim(), size, size / 2));
    truncateSync(file, size); // a hole: page-cache zeros, read like any file
    const rssFile = join(dir, 'upload.rss');
    // GNU time measures the CLI process alone; s3rver lives in this one.
    const r = await runCliAsync(['upload', file, '--details', detailsFile, '--size', String(size), '--json'], {
      wrap: ['/usr/bin/time', '-f', '%M', '-o', rssFile],
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ size, parts_sent: 2 });
    const peakMiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
    expect(peakMiB).toBeGreaterThan(20);
    expect(peakMiB).toBeLessThan(100);
  });

  it('draws a progress bar (percent, bytes, rate) on a terminal, and none off one', async () => {
    const key = `c${++n}.fnnx`;
    const { file, detailsFile } = files(2_000_000, await singleDetails(s3, key));
    const cmd = ['upload', file, '--details', detailsFile].map((a) => `'${a}'`).join(' ');
    // util-linux `script` gives the CLI a pseudo-terminal, as a person's shell would (async: s3rver runs here).
    const tty = await promisify(execFile)('script', ['-qec', `${process.execPath} ${BIN} ${cmd}`, '/dev/null'], { encoding: 'utf8' });
    // The rate and ETA join after the first second (progress.ts): a 2 MB upload may finish before.
    expect(tty.stdout).toMatch(/\[[#-]{24}\] +\d+% {2}upload {2}[\d.]+ \S+ \/ 1\.9 MiB/);
    const plain = await runCliAsync(['upload', file, '--details', detailsFile]);
    expect(plain.stderr).toBe('');
  });
});
