import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, openSync, readFileSync, readSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Json, JsonObject } from '../src/artifact/json-member.js';
import { packToFile } from '../src/node/pack.js';
import { describeFile } from '../src/node/describe-file.js';
import { describeSource } from '../src/describe/describe-source.js';
import { wasmHasher } from '../src/hash/wasm-hasher.js';
import { MemorySource } from '../src/index.js';
import { schemaErrors } from '../src/validate/schema-check.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';
import { pythonFileIndex } from './helpers/python.js';
import { runCli } from './helpers/cli.js';
import { minimalManifest } from './helpers/build-fixtures.js';

const enc = (v: Json) => new TextEncoder().encode(JSON.stringify(v));

/** An artifact with the given producer tags, metadata and extra root members. */
async function artifact(name: string, tags: string[], meta: Json[], extra: Record<string, Json> = {}): Promise<string> {
  const path = join(tempDir(), name);
  await packToFile(
    { manifest: minimalManifest({ producer_tags: tags }), meta, files: Object.entries(extra).map(([n, v]) => ({ name: n, body: enc(v) })) },
    path,
  );
  return path;
}

const entry = (tags: string[], payload: Json) => ({ id: 'm', producer: 'p', producer_version: '1', producer_tags: tags, payload });
const CLS = 'dataforce.studio::tabular_classification:v1';
const REG = 'dataforce.studio::tabular_regression:v1';
const CLS_METRICS = 'falcon.beastbyte.ai::tabular_classification_metrics:v1';
const REG_METRICS = 'falcon.beastbyte.ai::tabular_regression_metrics:v1';
const REGISTRY = 'dataforce.studio::registry_metrics:v1';

type Described = {
  file_name: string;
  file_hash: string;
  size: number;
  file_index: Record<string, [number, number]>;
  manifest: JsonObject;
  metrics: Json;
};

/** The CLI, where its output is what is tested. */
function describeCli(path: string): Described {
  const r = runCli(['describe', path]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Described;
}

/** In process (same code path below the CLI), where only the descriptor's content is tested. */
async function describeJson(path: string): Promise<Described> {
  return (await describeFile(path)).descriptor;
}

describe('describe', () => {
  it('prints {file_name, file_hash, size, file_index, manifest, metrics} matching sha256sum and Python tarfile', () => {
    const dir = tempDir();
    const path = join(dir, 'model.fnnx');
    copyFileSync(CORPUS_TAR, path);
    const d = describeCli(path);
    expect(Object.keys(d)).toEqual(['file_name', 'file_hash', 'size', 'file_index', 'manifest', 'metrics']);
    expect(d.file_name).toBe('model.fnnx');
    expect(d.file_hash).toBe(execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0]);
    expect(d.size).toBe(readFileSync(path).length);
    expect(d.file_index).toEqual(pythonFileIndex(path));
    expect(d.metrics).toEqual({});
  });

  it('--api artifacts prints the current artifacts.create payload: extra_values and type "model" in place of metrics', () => {
    const dir = tempDir();
    const path = join(dir, 'model.fnnx');
    copyFileSync(CORPUS_TAR, path);
    const models = describeCli(path) as unknown as Record<string, unknown>;
    const r = runCli(['describe', path, '--api', 'artifacts']);
    expect(r.code, r.stderr).toBe(0);
    const { metrics, ...rest } = models;
    expect(JSON.parse(r.stdout)).toEqual({ ...rest, type: 'model', extra_values: metrics });
    expect(runCli(['describe', path, '--api', 'v3']).code).toBe(2);
  });

  it("conforms to the kit's upload-descriptor JSON Schema", () => {
    const dir = tempDir();
    const path = join(dir, 'model.fnnx');
    copyFileSync(CORPUS_TAR, path);
    expect(schemaErrors('uploadDescriptor', describeCli(path))).toEqual([]);
  });

  it('gives the same descriptor with the browser hasher (hash-wasm) as with node:crypto', async () => {
    const bytes = new Uint8Array(readFileSync(CORPUS_TAR));
    const viaWasm = await describeSource(new MemorySource(bytes), { fileName: 'x.fnnx', hasher: wasmHasher, chunkSize: 1000 });
    expect(viaWasm.descriptor.file_hash).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('accepts every registry extension, judged by the last dot (my.model.v2.fnnx is a .fnnx)', async () => {
    for (const name of ['my.model.v2.fnnx', 'a.pyfnx', 'a.dfs', 'a.luml', 'a.tar']) {
      expect((await describeJson(await artifact(name, [], []))).file_name).toBe(name);
    }
  });

  it('refuses other extensions with exit 1 and one line', async () => {
    const r = runCli(['describe', await artifact('model.zip', [], [])]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/"\.zip".*UPLOAD_EXTENSION\)\n {2}hint: /);
    for (const name of ['model.fnnx.gz', 'model', 'model.FNNX', '.fnnx']) {
      await expect(describeJson(await artifact(name, [], [])), name).rejects.toMatchObject({ code: 'UPLOAD_EXTENSION', kind: 'artifact' });
    }
  });

  it('refuses a file over --max-size with exit 1 and one line, before hashing', async () => {
    const path = await artifact('m.fnnx', [], []);
    const r = runCli(['describe', path, '--max-size', '1000']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/over the upload limit of 1000 bytes.*UPLOAD_TOO_LARGE\)\n {2}hint: /);
  });

  it('refuses a size over the default 5,368,709,120-byte limit (sparse file)', () => {
    const path = join(tempDir(), 'huge.fnnx');
    const fd = openSync(path, 'w');
    writeSync(fd, readFileSync(CORPUS_TAR));
    closeSync(fd);
    execFileSync('truncate', ['-s', '5368709121', path]);
    const r = runCli(['describe', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/5368709121 bytes is over the upload limit of 5368709120/);
  });

  it('gives the effective manifest: manifest.json with its patches applied', async () => {
    const path = await artifact('p.fnnx', [], [], {
      'manifest-0001.patch.json': [{ op: 'replace', path: '/producer_version', value: '7' }],
    });
    expect((await describeJson(path)).manifest.producer_version).toBe('7');
  });

  describe('metrics, as the registry client extracts them', () => {
    const perf = (p: Json) => ({ metrics: { performance: p } });
    const cases: Array<[string, string[], Json[], Json]> = [
      [
        'tabular classification: eval_holdout without N_SAMPLES',
        [CLS],
        [entry([CLS_METRICS], perf({ eval_holdout: { ACC: 0.9, N_SAMPLES: 10 }, eval_cv: { ACC: 0.8 } }))],
        { ACC: 0.9 },
      ],
      [
        'tabular regression: eval_cv when eval_holdout is empty',
        [REG],
        [entry([REG_METRICS], perf({ eval_holdout: {}, eval_cv: { MSE: 1.5, N_SAMPLES: 3 } }))],
        { MSE: 1.5 },
      ],
      [
        'tabular with non-empty performance but neither split: {}',
        [REG],
        [entry([REG_METRICS], perf({ other: { x: 1 } })), entry([REGISTRY], { metrics: { y: 2 } })],
        {},
      ],
      [
        'tabular with empty performance falls through to registry metrics',
        [CLS],
        [entry([CLS_METRICS], perf({})), entry([REGISTRY], { metrics: { y: 2 } })],
        { y: 2 },
      ],
      ['registry metrics entry: payload.metrics', [], [entry([REGISTRY], { metrics: { auc: 0.7 } })], { auc: 0.7 }],
      ['registry metrics entry with empty payload: {}', [], [entry([REGISTRY], {})], {}],
      [
        'tabular metrics entry without the tabular producer tag is ignored',
        [],
        [entry([CLS_METRICS], perf({ eval_holdout: { ACC: 1 } }))],
        {},
      ],
      ['no metrics at all: {}', [], [], {}],
    ];
    for (const [what, tags, meta, want] of cases) {
      it(what, async () => {
        expect((await describeJson(await artifact('m.fnnx', tags, meta))).metrics).toEqual(want);
      });
    }

    it('reads metrics from appended sidecars too (effective metadata)', async () => {
      const path = await artifact('s.fnnx', [], [], { 'meta-0001.json': [entry([REGISTRY], { metrics: { f1: 0.5 } })] });
      expect((await describeJson(path)).metrics).toEqual({ f1: 0.5 });
    });
  });
});

describe('verify', () => {
  function flipBit(path: string, at: number): void {
    const fd = openSync(path, 'r+');
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    b[0]! ^= 0x01;
    writeSync(fd, b, 0, 1, at);
    closeSync(fd);
  }

  it('exits 0 when the file matches its descriptor', async () => {
    const dir = tempDir();
    const path = await artifact('v.fnnx', [], []);
    writeFileSync(join(dir, 'd.json'), runCli(['describe', path]).stdout);
    const r = runCli(['verify', path, '--descriptor', join(dir, 'd.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok: .* matches \(sha256, size, file_index\)/);
  });

  it('exits 1 and names file_hash when one bit of member data flips', async () => {
    const dir = tempDir();
    const path = await artifact('v.fnnx', [], [], { 'data.json': { a: 1 } });
    const d = runCli(['describe', path]).stdout;
    writeFileSync(join(dir, 'd.json'), d);
    const [offset] = (JSON.parse(d) as { file_index: Record<string, [number, number]> }).file_index['data.json']!;
    flipBit(path, offset + 2);
    const r = runCli(['verify', path, '--descriptor', join(dir, 'd.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/file_hash: expected [0-9a-f]{64}, got [0-9a-f]{64}/);
    expect(r.stderr).toMatch(/VERIFY_MISMATCH/);
  });

  it('--json reports ok, what was checked and every difference, and still exits 1 on a mismatch', async () => {
    const path = await artifact('v.fnnx', [], []);
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    const good = runCli(['verify', path, '--sha256', sha, '--json']);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({ target: path, ok: true, checked: ['sha256'], differences: [] });
    const bad = runCli(['verify', path, '--sha256', '0'.repeat(64), '--size', '1', '--json']);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; checked: string[]; differences: string[] };
    expect(report.ok).toBe(false);
    expect(report.checked).toEqual(['sha256', 'size']);
    expect(report.differences).toHaveLength(2);
  });

  it('checks --sha256, --size and --md5 given on the command line, MD5 computed in the same pass', async () => {
    const path = await artifact('v.fnnx', [], []);
    const bytes = readFileSync(path);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const md5 = createHash('md5').update(bytes).digest('hex');
    expect(runCli(['verify', path, '--sha256', sha, '--size', String(bytes.length), '--md5', md5]).code).toBe(0);
    const bad = runCli(['verify', path, '--sha256', sha, '--size', String(bytes.length + 1), '--md5', '0'.repeat(32)]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/size: expected/);
    expect(bad.stderr).toMatch(/md5: expected 0{32}/);
  });

  it('reports file_index entries that moved or are missing', async () => {
    const dir = tempDir();
    const path = await artifact('v.fnnx', [], []);
    const d = JSON.parse(runCli(['describe', path]).stdout) as { file_index: Record<string, [number, number]> };
    d.file_index['ops.json'] = [0, 1];
    d.file_index['gone.bin'] = [5, 5];
    writeFileSync(join(dir, 'd.json'), JSON.stringify(d));
    const r = runCli(['verify', path, '--descriptor', join(dir, 'd.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/"ops.json" expected \[0,1\]/);
    expect(r.stderr).toMatch(/"gone.bin" is missing/);
  });
});
