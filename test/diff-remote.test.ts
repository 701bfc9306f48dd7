/**
 * `diff` over the ways an artifact is reached: a URL read by range from a real server (bytes
 * counted), the CLI's exit codes and outputs, and hostile inputs on either side.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CountingSource,
  MemorySource,
  TarStore,
  diffArtifacts,
  openStore,
  readArtifact,
  isFnnxError,
  type DiffReport,
} from '../src/index.js';
import { openStoreWith } from '../src/node/open.js';
import { concat, file, writeSparse } from './helpers/hostile-tar.js';
import { renderDiff } from '../src/cli/render/diff-text.js';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { tempDir } from './helpers/paths.js';
import { ustarHeader } from './helpers/sparse-artifact.js';
import { bytesOf, io, soundPipeline, tarOf, type Members } from './helpers/validate-artifact.js';

/** The model member, left as a hole: what a diff must not read. */
const BIG = 1 << 30;

/** The sound pipeline's root files, then a BIG-byte model member that costs no disk. */
function writeBig(path: string, edit: (manifest: { inputs: unknown[]; version?: string }) => void = () => {}): number {
  const { 'ops_artifacts/reg/model.onnx': _model, ...json } = soundPipeline();
  edit(json['manifest.json'] as { inputs: unknown[] });
  const head = concat([
    ...Object.entries(json).flatMap(([name, value]) => file(name, bytesOf(value))),
    ustarHeader('ops_artifacts/reg/model.onnx', BIG),
  ]);
  const total = head.length + BIG + 1024;
  writeSparse(path, head, total);
  return total;
}

describe('diff against a URL, read by range from a real server', () => {
  let server: RangeServer;
  let dir: string;
  let bigSize = 0;
  beforeAll(async () => {
    dir = tempDir('fnnx-diff-remote-');
    bigSize = writeBig(join(dir, 'old.fnnx'));
    writeBig(join(dir, 'new.fnnx'), (m) => {
      m.inputs.push(io('z'));
      m.version = '2';
    });
    writeBig(join(dir, 'compatible.fnnx'), (m) => ((m.inputs[0] as { dtype: string }).dtype = 'Array[float64]'));
    writeBig(join(dir, 'info.fnnx'), (m) => (m.version = '3'));
    writeFileSync(join(dir, 'junk.fnnx'), 'not a tar at all');
    server = await startRangeServer(dir);
  });
  afterAll(() => server.close());

  it('reads kilobytes of a 1 GiB artifact behind a URL, and finds what a local diff finds', async () => {
    server.reset();
    let counting: CountingSource | undefined;
    const remote = await openStoreWith(server.url('old.fnnx'), { wrap: (s) => (counting = new CountingSource(s)) });
    const local = await openStore(join(dir, 'new.fnnx'));
    let report: DiffReport;
    try {
      report = await diffArtifacts(remote, local);
    } finally {
      await Promise.all([remote.close(), local.close()]);
    }
    expect(bigSize).toBeGreaterThan(BIG);
    expect(counting!.bytes).toBeLessThan(256 * 1024);
    expect(server.bytesSent()).toBeLessThan(256 * 1024);
    const both = [await openStore(join(dir, 'old.fnnx')), await openStore(join(dir, 'new.fnnx'))];
    try {
      expect(report.changes).toEqual((await diffArtifacts(both[0]!, both[1]!)).changes);
    } finally {
      await Promise.all(both.map((s) => s.close()));
    }
    expect(report.changes.map((c) => c.rule)).toEqual(expect.arrayContaining(['input-added', 'manifest-info-changed', 'member-changed']));
  });

  it('--content over URLs reads the members whose sizes agree, and finds a same-size change', async () => {
    const weights = (fill: number) => ({ ...soundPipeline(), 'variant_artifacts/w.bin': new Uint8Array(200_000).fill(fill) });
    writeFileSync(join(dir, 'w1.fnnx'), await tarOf(weights(1)));
    writeFileSync(join(dir, 'w2.fnnx'), await tarOf(weights(2)));
    server.reset();
    const r = await runCliAsync(['diff', '--json', '--content', '--fail-on', 'any', server.url('w1.fnnx'), server.url('w2.fnnx')]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as DiffReport;
    expect(report.content).toBe(true);
    expect(report.changes.map((c) => `${c.rule} ${c.path}`)).toEqual(['member-changed /members/variant_artifacts~1w.bin']);
    // Both copies of the 200 KB member crossed the wire to be hashed.
    expect(server.bytesSent()).toBeGreaterThan(2 * 200_000);
  });

  it('fnnx-kit diff URL URL: exit 0 by default, 1 with --fail-on breaking, the JSON every change as {path, kind, before, after, rule}', async () => {
    const plain = await runCliAsync(['diff', server.url('old.fnnx'), server.url('new.fnnx')]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/1 breaking, 0 compatible, 2 info/);
    expect(plain.stdout).toMatch(/breaking\s+input-added\s+\/inputs\/z/);
    const gate = await runCliAsync(['diff', '--json', '--fail-on', 'breaking', server.url('old.fnnx'), server.url('new.fnnx')]);
    expect(gate.code).toBe(1);
    const report = JSON.parse(gate.stdout) as DiffReport;
    expect(report.counts).toEqual({ breaking: 1, compatible: 0, info: 2 });
    for (const c of report.changes) expect(Object.keys(c).sort()).toEqual(['after', 'before', 'kind', 'path', 'rule']);
  });

  it('--fail-on trips at its kind and above, never below', async () => {
    const run = async (to: string, level: string) =>
      (await runCliAsync(['diff', '--fail-on', level, server.url('old.fnnx'), server.url(to)])).code;
    expect(await run('compatible.fnnx', 'breaking')).toBe(0);
    expect(await run('compatible.fnnx', 'compatible')).toBe(1);
    expect(await run('info.fnnx', 'compatible')).toBe(0);
    expect(await run('info.fnnx', 'any')).toBe(1);
    expect(await run('old.fnnx', 'any')).toBe(0);
  });

  it('exits 2 when a side cannot be read, naming the side, even with --fail-on', async () => {
    const bad = await runCliAsync(['diff', '--fail-on', 'any', join(dir, 'junk.fnnx'), server.url('new.fnnx')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/old artifact: .*\(NOT_A_TAR\)/);
    const gone = await runCliAsync(['diff', '--json', server.url('old.fnnx'), server.url('missing.fnnx')]);
    expect(gone.code).toBe(2);
    const error = (JSON.parse(gone.stdout) as { error: { code: string; message: string } }).error;
    expect(error.code).toMatch(/^HTTP_/);
    expect(error.message).toMatch(/^new artifact: /);
    const missing = await runCliAsync(['diff', join(dir, 'nowhere.fnnx'), join(dir, 'new.fnnx')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/old artifact: .*\(NOT_FOUND\)/);
    const limited = await runCliAsync(['diff', '--limit', 'maxJsonMember=16', server.url('old.fnnx'), join(dir, 'new.fnnx')]);
    expect(limited.code).toBe(2);
    expect(limited.stderr).toMatch(/LIMIT_EXCEEDED/);
    const usage = await runCliAsync(['diff', '--fail-on', 'sometimes', join(dir, 'old.fnnx'), join(dir, 'new.fnnx')]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/BAD_OPTION/);
  });
});

describe('diff with hostile input on either side', () => {
  const sound = () => tarOf(soundPipeline());
  const HOSTILE: Record<string, () => Promise<Uint8Array>> = {
    'not a tar': async () => new TextEncoder().encode('x'.repeat(2000)),
    'no manifest.json': async () => {
      const { 'manifest.json': _m, ...rest } = soundPipeline();
      return tarOf(rest);
    },
    'a manifest that is not JSON': async () => tarOf({ ...soundPipeline(), 'manifest.json': '{"variant": ' }),
    'ops.json an object': async () => tarOf({ ...soundPipeline(), 'ops.json': { ops: [] } }),
    'cut inside a member': async () => (await sound()).slice(0, 700),
    'a metadata file too deep': async () => tarOf({ ...soundPipeline(), 'meta.json': '['.repeat(5000) + ']'.repeat(5000) }),
    'a bad manifest patch': async () =>
      tarOf({ ...soundPipeline(), 'manifest-1.patch.json': [{ op: 'remove', path: '/inputs' }] } as Members),
  };

  for (const [what, make] of Object.entries(HOSTILE)) {
    it(`${what}: the reader's own code, on the side it is, either way round`, async () => {
      const bytes = await make();
      const expected = await readArtifact(new TarStore(new MemorySource(bytes))).then(
        () => 'read',
        (e: unknown) => (isFnnxError(e) ? e.code : String(e)),
      );
      // Every one of these stops the reader: diff must stop the same way, not compare half an artifact.
      expect(expected).not.toBe('read');
      for (const side of ['old', 'new'] as const) {
        const hostile = new TarStore(new MemorySource(bytes, 'hostile.fnnx'));
        const good = new TarStore(new MemorySource(await sound(), 'good.fnnx'));
        const run = side === 'old' ? diffArtifacts(hostile, good) : diffArtifacts(good, hostile);
        const got = await run.then(
          () => 'read',
          (e: unknown) => (isFnnxError(e) ? `${e.code} ${e.message.startsWith(`${side} artifact: `)}` : String(e)),
        );
        expect(got).toBe(`${expected} true`);
      }
    });
  }

  it('100,000 inputs on each side, every one replaced: each reported, the text capped at 100 rows an area', async () => {
    const N = 100_000;
    const side = (prefix: string, dtype: string) => {
      const m = soundPipeline();
      (m['manifest.json'] as { inputs: unknown[] }).inputs = Array.from({ length: N }, (_, i) => io(`${prefix}${i}`, dtype));
      return tarOf(m);
    };
    const report = await diffArtifacts(
      new TarStore(new MemorySource(await side('a', 'Array[float32]'))),
      new TarStore(new MemorySource(await side('b', 'Array[int64]'))),
    );
    const rules = report.changes.filter((c) => c.path.startsWith('/inputs/')).map((c) => c.rule);
    expect(rules.filter((r) => r === 'input-removed')).toHaveLength(N);
    expect(rules.filter((r) => r === 'input-added')).toHaveLength(N);
    const text = renderDiff(report);
    expect(text).toContain(`… and ${2 * N - 100} more`);
    expect(text.split('\n').length).toBeLessThan(200);
  });

  it('a metadata file the reader skips shows as its entries removed, and the report carries the reader warning that says why', async () => {
    const entry = { id: 'notes', producer: 't', producer_version: '1', producer_tags: [], payload: {} };
    const a = { ...soundPipeline(), 'meta-1.json': [entry] };
    const b = { ...soundPipeline(), 'meta-1.json': '[{"id": ' };
    const report = await diffArtifacts(new TarStore(new MemorySource(await tarOf(a))), new TarStore(new MemorySource(await tarOf(b))));
    expect(report.changes.map((c) => c.rule)).toContain('meta-entry-removed');
    expect(report.warnings.old).toEqual([]);
    expect(report.warnings.new.map((w) => `${w.member} ${w.code}`)).toEqual(['meta-1.json JSON_INVALID']);
    expect(renderDiff(report)).toContain('new: 1 reader warning(s)');
  });

  it('escapes names from the artifact in the text report; the JSON keeps them exact', async () => {
    const dir = tempDir('fnnx-diff-escape-');
    const evil = 'e\u001b[2J\u202evil';
    writeFileSync(join(dir, 'a.fnnx'), await sound());
    const m = soundPipeline();
    (m['manifest.json'] as { outputs: unknown[] }).outputs.push(io(evil));
    writeFileSync(join(dir, 'b.fnnx'), await tarOf({ ...m, [`variant_artifacts/${evil}`]: 'x' }));
    const text = await runCliAsync(['diff', join(dir, 'a.fnnx'), join(dir, 'b.fnnx')]);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(/[\u001b\u202e]/);
    expect(text.stdout).toContain('e\\u001b[2J\\u202evil');
    const json = await runCliAsync(['diff', '--json', join(dir, 'a.fnnx'), join(dir, 'b.fnnx')]);
    const paths = (JSON.parse(json.stdout) as DiffReport).changes.map((c) => c.path);
    expect(paths).toContain(`/outputs/${evil}`);
    expect(paths).toContain(`/members/variant_artifacts~1${evil}`);
  });
});
