#!/usr/bin/env node
/**
 * Hostile JSON (issue 23, harms 10, 11, 13): what manifest patches, a huge metric name and
 * string-heavy JSON cost whole CLI processes. Wall time and peak RSS from GNU time, one run each
 * (the figures to compare are the ratios between rows of one run). Needs `npm run build` first.
 *
 *   node bench/hostile-json.mjs                  # every case
 *   node bench/hostile-json.mjs patches          # 1000/2000/4000/20k patches over a 1 MiB manifest
 *   node bench/hostile-json.mjs metric strings   # the 3 M-character metric name; four 63 MiB strings
 *
 * The artifacts are written by Python's tarfile (the registry SDK's writer), from the corpus tar.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timed } from './lib/measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'bin/fnnx-kit.cjs');
const CORPUS = join(root, 'fixtures/corpus/onnx_pipeline.fnnx.tar');
const wanted = new Set(process.argv.slice(2));
const runs = (name) => wanted.size === 0 || wanted.has(name);

/**
 * Python that copies the corpus tar, replacing manifest.json (padded with `pad` description
 * bytes) and adding `patches` one-operation patches and any extra members (JSON text on stdin).
 */
const BUILD = String.raw`
import io, json, sys, tarfile
src, out, pad, patches = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
extra = sys.stdin.read()
def add(t, name, data):
    info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
with tarfile.open(src) as s, tarfile.open(out, 'w', format=tarfile.GNU_FORMAT) as t:
    for m in s.getmembers():
        data = s.extractfile(m).read() if m.isfile() else b''
        if m.name == 'manifest.json':
            doc = json.loads(data); doc['description'] = 'd' * pad; data = json.dumps(doc).encode()
        if m.isfile(): add(t, m.name, data)
        else: t.addfile(m)
    for i in range(patches):
        add(t, 'manifest-%032x.patch.json' % i, json.dumps([{'op': 'replace', 'path': '/version', 'value': str(i)}] if i else [{'op': 'add', 'path': '/version', 'value': '0'}]).encode())
    for name, text in json.loads(extra).items():
        add(t, name, text.encode() if isinstance(text, str) else json.dumps(text).encode())
`;

function build(out, { pad = 0, patches = 0, extra = {} }) {
  // The extra members go by stdin: a 3 M-character name is past the kernel's bound on one argument.
  const r = spawnSync('python3', ['-c', BUILD, CORPUS, out, String(pad), String(patches)], {
    input: JSON.stringify(extra),
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error('python3 could not build the artifact');
  return out;
}

/** Python that appends `count` meta sidecars, each one entry holding one string of `size` characters. */
const STRINGS = String.raw`
import io, json, sys, tarfile
out, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with tarfile.open(out, 'a') as t:
    for i in range(count):
        entry = {'id': 'big%d' % i, 'producer': 'p', 'producer_version': '1', 'producer_tags': [], 'payload': {'s': chr(97 + i) * size}}
        data = json.dumps([entry]).encode()
        info = tarfile.TarInfo('meta-%032x.json' % (i + 1)); info.size = len(data); t.addfile(info, io.BytesIO(data))
`;

const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-hostile-'));
const rows = [];
async function row(label, args, opts = {}) {
  const r = await timed(process.execPath, [CLI, ...args], { exitCodes: opts.exitCodes ?? [0, 1] });
  rows.push([label, secs(r.ms), mib(r.rssKiB), opts.note?.(r) ?? '']);
  console.error(`${label}: ${secs(r.ms)}, ${mib(r.rssKiB)}`);
}

try {
  if (runs('patches')) {
    const files = {};
    for (const n of [1000, 2000, 4000]) {
      files[n] = build(join(dir, `p${n}.fnnx`), { pad: 1024 * 1024, patches: n });
      await row(`validate, ${n} patches, 1 MiB manifest`, ['validate', '--json', files[n]]);
    }
    const file = build(join(dir, 'p20k.fnnx'), { pad: 1024 * 1024, patches: 20_000 });
    const size = `${(statSync(file).size / 1e6).toFixed(1)} MB`;
    await row(`validate, 20k patches, 1 MiB manifest (${size})`, ['validate', '--json', '--limit', 'maxManifestPatches=20000', file]);
    await row(`append-meta, 4000 patches, 1 MiB manifest`, ['append-meta', files[4000], '--entry', writeEntry()]);
    const refused = (r) => (`${r.out}`.includes('maxManifestPatches') ? 'refused: maxManifestPatches' : '');
    await row(`validate, 20k patches, default limits`, ['validate', '--json', file], { note: refused });
    await row(`append-meta, 20k patches (default limits)`, ['append-meta', file, '--entry', writeEntry(), '--json'], {
      exitCodes: [0, 1, 2],
      note: refused,
    });
  }
  if (runs('metric')) {
    const name = 'm'.repeat(3_000_000);
    const meta = [
      {
        id: 'metrics',
        producer: 'p',
        producer_version: '1',
        producer_tags: ['dataforce.studio::registry_metrics:v1'],
        payload: { metrics: { [name]: 1 } },
      },
    ];
    const file = build(join(dir, 'metric.fnnx'), { extra: { 'meta-00000000000000000000000000000001.json': meta } });
    await row('inspect, one metric named with 3 M characters', ['inspect', file], { note: (r) => `${r.out.length} chars printed` });
  }
  if (runs('strings')) {
    // Four JSON members of one 63 MiB string each: the manifest's description and three sidecars.
    const file = build(join(dir, 'strings.fnnx'), { pad: 63 * 1024 * 1024 });
    const r = spawnSync('python3', ['-c', STRINGS, file, '3', String(63 * 1024 * 1024)], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('python3 could not append the strings');
    const size = statSync(file).size;
    const ratio = (x) => `${((x.rssKiB * 1024) / size).toFixed(2)}× the artifact`;
    await row(`describe, four 63 MiB strings (${(size / 1e6).toFixed(0)} MB)`, ['describe', file], { note: ratio, exitCodes: [0] });
    await row(`append-meta, four 63 MiB strings`, ['append-meta', file, '--entry', writeEntry()], { note: ratio, exitCodes: [0] });
  }
  console.log('| case | wall | peak RSS | note |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function writeEntry() {
  const file = join(dir, 'entry.json');
  spawnSync('python3', [
    '-c',
    `import json,sys; json.dump({'id':'e','producer':'p','producer_version':'1','producer_tags':[],'payload':{}}, open(sys.argv[1],'w'))`,
    file,
  ]);
  return file;
}
