/**
 * String-heavy JSON (issue 23, harm 13): four JSON members of one 63 MiB string each (the
 * manifest's description and three metadata sidecars, a 264 MB artifact written by Python's
 * tarfile). describe keeps only what its descriptor needs: the captured bytes are handed over
 * once and freed as soon as decoded, and of the metadata only the entries the metrics could come
 * from. Before, its live set (bytes + every parsed sidecar) did not fit a 300 MiB heap, and the
 * process died out of memory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { budgetedJsonReader } from '../src/artifact/json-member.js';
import type { MemberStore } from '../src/artifact/member-store.js';
import { readArtifact } from '../src/artifact/reader.js';
import { TarStore } from '../src/artifact/tar-store.js';
import { MemorySource } from '../src/source/memory-source.js';
import { BIN } from './helpers/cli.js';
import { soundRoot } from './helpers/hostile-corpus.js';
import { file, tar } from './helpers/hostile-tar.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';

const SIZE = 63 * 1024 * 1024;
const BUILD = String.raw`
import io, json, sys, tarfile
src, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
def add(t, name, data):
    info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
with tarfile.open(src) as s, tarfile.open(out, 'w', format=tarfile.GNU_FORMAT) as t:
    for m in s.getmembers():
        data = s.extractfile(m).read() if m.isfile() else b''
        if m.name == 'manifest.json':
            doc = json.loads(data); doc['description'] = 'd' * size; data = json.dumps(doc).encode()
        if m.name == 'meta.json': data = b'[]'
        if m.isfile(): add(t, m.name, data)
        else: t.addfile(m)
    for i in range(3):
        entry = {'id': 'big%d' % i, 'producer': 'p', 'producer_version': '1', 'producer_tags': [], 'payload': {'s': chr(97 + i) * size}}
        add(t, 'meta-%032x.json' % (i + 1), json.dumps([entry]).encode())
`;

describe('describe on four 63 MiB strings', () => {
  it('completes in a 200 MiB V8 heap (one member decoded at a time), with the whole description in its descriptor', () => {
    const artifact = join(tempDir('fnnx-strings-'), 'strings.fnnx');
    execFileSync('python3', ['-c', BUILD, CORPUS_TAR, artifact, String(SIZE)]);
    const r = spawnSync(process.execPath, ['--max-old-space-size=200', BIN, 'describe', artifact, '-q'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(r.status, r.stderr.slice(0, 2000)).toBe(0);
    const d = JSON.parse(r.stdout) as { manifest: { description: string }; metrics: object };
    expect(d.manifest.description).toHaveLength(SIZE);
    expect(d.metrics).toEqual({});
  }, 180_000);
});

describe('readArtifact metricsOnly', () => {
  it('keeps only entries the metrics could come from, and computes the same metrics as a full read', async () => {
    const entry = (id: string, tags: string[], payload: object) => ({
      id,
      producer: 'p',
      producer_version: '1',
      producer_tags: tags,
      payload,
    });
    const meta = [
      entry('plain', ['other'], { big: 'x' }),
      entry('m1', ['dataforce.studio::registry_metrics:v1'], { metrics: { acc: 0.9 } }),
      entry('m2', ['dataforce.studio::registry_metrics:v1'], { metrics: { acc: 0.1 } }),
    ];
    const store = () =>
      new TarStore(
        new MemorySource(
          tar([...soundRoot({ 'meta.json': JSON.stringify(meta) }), file('meta-1.json', JSON.stringify([entry('later', ['x'], {})]))]),
        ),
      );
    const full = await readArtifact(store());
    const lean = await readArtifact(store(), { metricsOnly: true });
    expect(full.metrics).toEqual({ acc: 0.9 });
    expect(lean.metrics).toEqual(full.metrics);
    expect(lean.metadata.map((m) => m.entry.id)).toEqual(['m1', 'm2']);
    expect(full.metadata.map((m) => m.entry.id)).toEqual(['plain', 'm1', 'm2', 'later']);
  });
});

describe('bytes a store hands over', () => {
  // The reader frees a member's bytes once decoded only when the store says they are its to free
  // (describe's captured members); any other store's bytes (a cache, a view of a whole file) stay.
  const bytesOf = (text: string) => new TextEncoder().encode(text);
  const storeOf = (bytes: Uint8Array, handsOverReads: boolean): MemberStore => ({
    label: 'test',
    handsOverReads,
    members: () => Promise.resolve([]),
    fileIndex: () => Promise.resolve({ 'manifest.json': [0, bytes.length] }),
    sizeOf: () => Promise.resolve(bytes.length),
    read: () => Promise.resolve(bytes),
    stream: async function* () {
      yield bytes;
    },
    close: () => Promise.resolve(),
  });

  it('are freed once decoded when the store hands them over, and never otherwise', async () => {
    const owned = bytesOf('{"a": 1}');
    expect(await budgetedJsonReader(storeOf(owned, true))('manifest.json')).toEqual({ a: 1 });
    expect(owned.byteLength).toBe(0);
    const kept = bytesOf('{"a": 1}');
    expect(await budgetedJsonReader(storeOf(kept, false))('manifest.json')).toEqual({ a: 1 });
    expect(new TextDecoder().decode(kept)).toBe('{"a": 1}');
  });
});
