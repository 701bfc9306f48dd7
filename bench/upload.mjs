#!/usr/bin/env node
/**
 * Upload of a 1 GiB file (--size-mib) to s3rver over loopback as an S3 multipart upload in 8 parts (128 MiB
 * each): `fnnx-kit upload` (parts streamed from the file, 4 in flight, SHA-256 and part MD5s
 * computed while sending) against the registry client's way (bench/lib/registry_client_upload.py:
 * 5 threads each reading a whole part into memory and PUTting it). Wall time and peak RSS (GNU
 * time %M) of each, interleaved runs. Needs `npm run build` first.
 *
 *   node bench/upload.mjs [--runs 3] [--parts 8] [--in-order] [--size-mib 1024] [--per-connection-mibps 0]
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table, timed } from './lib/measure.mjs';
import { startThrottleProxy } from './lib/throttle-proxy.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin/fnnx-kit.cjs');
const arg = (name, dflt) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt);
const RUNS = arg('--runs', 3);
const PARTS = arg('--parts', 8);
const SIZE = arg('--size-mib', 1024) * 2 ** 20;
/** A per-connection upload cap (MiB/s) through a throttling proxy; 0: straight to s3rver. */
const CAP = arg('--per-connection-mibps', 0);
const PART = Math.ceil(SIZE / PARTS);

const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-up-'));
const file = join(dir, 'model.fnnx');
// Pseudo-random content (a 16 MiB random block repeated): the store MD5s it, the kit SHA-256s it.
const block = createHash('sha256');
const chunk = Buffer.alloc(16 << 20);
for (let i = 0; i < chunk.length; i += 32) block.copy().update(String(i)).digest().copy(chunk, i);
const fd = openSync(file, 'w');
for (let at = 0; at < SIZE; at += chunk.length) writeSync(fd, chunk);
closeSync(fd);
const sha = createHash('sha256');
for (let at = 0; at < SIZE; at += chunk.length) sha.update(chunk);
const fileSha = sha.digest('hex');

const store = join(dir, 's3');
mkdirSync(store);
const server = spawn(process.execPath, [join(root, 'bench/lib/s3rver-child.mjs'), store], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => server.stdout.once('data', (b) => resolve(Number(String(b).trim()))));
const proxy = CAP > 0 ? await startThrottleProxy(`http://127.0.0.1:${port}`, CAP * 2 ** 20) : undefined;
const viaProxy = (url) => (proxy ? proxy.origin + url.slice(url.indexOf('/', 'http://'.length)) : url);
const client = new S3Client({
  endpoint: `http://127.0.0.1:${port}`,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});

/** A fresh multipart upload and its part URLs, as the registry's backend answers. */
async function details(key) {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'bench', Key: key }));
  const parts = [];
  for (let n = 1, start = 0; start < SIZE; n++, start += PART) {
    const end = Math.min(SIZE, start + PART) - 1;
    const url = await getSignedUrl(client, new UploadPartCommand({ Bucket: 'bench', Key: key, UploadId, PartNumber: n }), {
      expiresIn: 3600,
    });
    parts.push({ part_number: n, url: viaProxy(url), start_byte: start, end_byte: end, part_size: end - start + 1 });
  }
  const complete_url = await getSignedUrl(client, new CompleteMultipartUploadCommand({ Bucket: 'bench', Key: key, UploadId }), {
    expiresIn: 3600,
  });
  const path = join(dir, `${key}.json`);
  writeFileSync(path, JSON.stringify({ type: 's3', upload_id: UploadId, parts, complete_url: viaProxy(complete_url) }));
  return path;
}

let n = 0;
/** One timed upload of the file under a fresh key, by `argv` (the key's details file is added), then the object removed. */
function contender(prefix, command, argv) {
  return async () => {
    const key = `${prefix}${++n}`;
    const r = await timed(command, argv(await details(key)));
    await client.send(new DeleteObjectCommand({ Bucket: 'bench', Key: key }));
    return r;
  };
}
/** fnnx-kit upload with `extra` options. */
const ours = (...extra) =>
  contender('kit', process.execPath, (d) => [BIN, 'upload', file, '--details', d, '--sha256', fileSha, ...extra, '--json', '-q']);

const contenders = {
  'registry client (python threads, whole parts)': contender('py', 'python3', (d) => [
    join(root, 'bench/lib/registry_client_upload.py'),
    file,
    d,
  ]),
  'fnnx-kit upload --sha256': ours(),
  // The registry client's five workers, for a like-for-like count of connections.
  'fnnx-kit upload --sha256 --concurrency 5': ours('--concurrency', '5'),
};
// What hashing the parts' own bytes in order would allow: one part at a time (docs/design.md, Upload).
if (process.argv.includes('--in-order')) contenders['fnnx-kit upload --concurrency 1'] = ours('--concurrency', '1');

try {
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) for (const [name, run] of Object.entries(contenders)) samples[name].push(await run());
  const link = CAP ? `, each connection capped at ${CAP} MiB/s` : '';
  console.log(
    `${SIZE / 2 ** 20} MiB to s3rver on loopback${link}, ${PARTS} parts of ${PART / 2 ** 20} MiB, ${RUNS} runs each alternating; node ${process.version}\n`,
  );
  const rows = [['client', 'time ms (min / median)', 'MiB/s (median)', 'CPU s (median run)', 'peak RSS (max)']];
  for (const [name, s] of Object.entries(samples)) {
    const ms = s.map((x) => x.ms).sort((a, b) => a - b);
    const med = ms[Math.floor(ms.length / 2)];
    const cpu = s.find((x) => x.ms === med).cpuMs / 1000;
    rows.push([
      name,
      `${ms[0].toFixed(0)} / ${med.toFixed(0)}`,
      (1024 / (med / 1000)).toFixed(0),
      cpu.toFixed(1),
      `${(Math.max(...s.map((x) => x.rssKiB)) / 1024).toFixed(1)} MiB`,
    ]);
  }
  table(rows);
} finally {
  proxy?.close();
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
