#!/usr/bin/env node
/**
 * What a remote inspect costs on the wire: requests and body bytes the loopback server sent for
 * `fnnx-kit inspect --json URL` on a 1 GiB artifact (manifest.json first, then a 1 GiB ONNX
 * member as a hole) and on the 30 KiB corpus tar, and for `cat --index … manifest.json`.
 * Counts are exact (no timing), so one run says it all. Needs `npm run build` first.
 *
 *   node bench/remote-inspect.mjs
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLoopbackServer } from './lib/loopback-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin/fnnx-kit.cjs');
const CORPUS = join(root, 'fixtures/corpus/onnx_pipeline.fnnx.tar');

const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-remote-'));
const server = await startLoopbackServer(dir);
try {
  execFileSync('python3', [join(root, 'test/helpers/foreign-sparse-tar.py'), join(dir, 'big.fnnx'), 'PAX'], {
    input: JSON.stringify([
      { copy: CORPUS, first: ['manifest.json'] },
      { name: 'ops_artifacts/big/model.onnx', hole: 2 ** 30 },
    ]),
  });
  copyFileSync(CORPUS, join(dir, 'small.fnnx'));
  const index = JSON.parse(await cli(['index', server.url('big.fnnx')]));
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));

  const cases = [
    ['inspect --json, 1 GiB artifact', ['inspect', '--json', server.url('big.fnnx')], 'big.fnnx'],
    ['inspect --json, 30 KiB corpus tar', ['inspect', '--json', server.url('small.fnnx')], 'small.fnnx'],
    [
      'cat --index …  manifest.json, 1 GiB',
      ['cat', '--index', join(dir, 'index.json'), server.url('big.fnnx'), 'manifest.json'],
      'big.fnnx',
    ],
  ];
  console.log(`remote cost on the wire (loopback serve-static; node ${process.version})\n`);
  const rows = [['command', 'artifact size', 'requests', 'body bytes', 'ranges']];
  for (const [label, args, file] of cases) {
    server.reset();
    await cli(args);
    const ranges = server.state.requests.map((r) => r.range).join(' ');
    rows.push([
      label,
      human(statSync(join(dir, file)).size),
      String(server.state.requests.length),
      `${server.bytes()} (${human(server.bytes())})`,
      ranges,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
  console.log(`\n  manifest.json is ${index['manifest.json'][1]} bytes at offset ${index['manifest.json'][0]}`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

/** The CLI as a child (this process serves the requests, so no spawnSync). */
function cli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`fnnx-kit ${args.join(' ')} exited ${code}`))));
  });
}

function human(n) {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}
