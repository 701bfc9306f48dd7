/**
 * validate --run with the real onnxruntime-node (a devDependency): models the tests write
 * themselves, each sound to `validate`, and what only a runtime finds out about them.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateTarget } from '../src/node/validate.js';
import type { RunCheckOptions } from '../src/node/run-check.js';
import type { ValidationReport } from '../src/validate/validate.js';
import { FLOAT, INT64, encodeModel } from './helpers/onnx-model.mjs';
import { CORPUS_DIR, CORPUS_TAR, tempDir } from './helpers/paths.js';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';
import { chain, endless, externalData, matmul, runnable } from './helpers/run-models.js';
import { onnxOp, tarOf, writeDirArtifact, type Members } from './helpers/validate-artifact.js';

const dir = tempDir('fnnx-run-test-');
let n = 0;

async function fileOf(members: Members): Promise<string> {
  const path = join(dir, `a${n++}.fnnx`);
  writeFileSync(path, await tarOf(members));
  return path;
}

async function run(target: string | Members, options: RunCheckOptions = {}): Promise<ValidationReport> {
  const path = typeof target === 'string' ? target : await fileOf(target);
  return validateTarget(path, { run: options });
}

/** The RUN_* and LIMIT_EXCEEDED findings as `CODE member pointer`. */
function runFindings(report: ValidationReport): string[] {
  return report.diagnostics
    .filter((d) => d.code.startsWith('RUN_') && d.code !== 'RUN_SUMMARY')
    .map((d) => `${d.code} ${d.member ?? '-'} ${d.pointer}`);
}

function messageOf(report: ValidationReport, code: string): string {
  return report.diagnostics.find((d) => d.code === code)?.message ?? `(no ${code})`;
}

/** What the static checks say: the models below are sound to them. */
function staticErrors(report: ValidationReport): string[] {
  return report.diagnostics.filter((d) => d.severity === 'error' && !d.code.startsWith('RUN_')).map((d) => d.code);
}

/** Processes running the runtime's child script whose TMPDIR starts with `prefix` (their private folder). */
function runtimeChildren(prefix: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('run-child.js')) continue;
      if (
        readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .some((v) => v.startsWith(prefix))
      )
        pids.push(Number(pid));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

function runTemps(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('fnnx-kit-run-'));
}

describe('validate --run loads each ONNX_v1 op in ONNX Runtime', () => {
  it('a sound runnable pipeline: loaded, run, nothing found, the summary says what ran', async () => {
    const report = await run(runnable());
    expect(runFindings(report)).toEqual([]);
    expect(report.valid).toBe(true);
    expect(messageOf(report, 'RUN_SUMMARY')).toMatch(
      /^onnxruntime-node 1\.\d+\.\d+ loaded 1 of 1 ONNX_v1 op\(s\), and ran 1 of the pipeline's 1 node\(s\)$/,
    );
  });

  it("a model importing ai.onnx opset 99 fails to load (RUN_LOAD_FAILED in the runtime's own words), though validate calls it sound", async () => {
    const report = await run(runnable(matmul(3, 1, { opsets: [{ domain: '', version: 99 }] })));
    expect(staticErrors(report)).toEqual([]);
    expect(runFindings(report)).toEqual(['RUN_LOAD_FAILED ops.json /0', 'RUN_NOT_RUN variant_config.json /nodes/0']);
    expect(messageOf(report, 'RUN_LOAD_FAILED')).toMatch(/^ONNX Runtime cannot load op "reg": .*Opset 99/);
    expect(report.valid).toBe(false);
  });

  it('a graph output typed int64 that its node produces as float fails to load with a type error', async () => {
    const report = await run(runnable(matmul(3, 1, { outputs: [{ name: 'y', elemType: INT64, shape: ['batch', 1] }] })));
    expect(staticErrors(report)).toEqual([]);
    expect(runFindings(report)).toContain('RUN_LOAD_FAILED ops.json /0');
    expect(messageOf(report, 'RUN_LOAD_FAILED')).toMatch(/Type Error.*tensor\(int64\)/);
  });

  it('a model that declares y as [batch, 1] but produces [batch, 3] is an output mismatch, of the op and of the manifest', async () => {
    const report = await run(runnable(matmul(3, 3, { outputs: [{ name: 'y', elemType: FLOAT, shape: ['batch', 1] }] })));
    expect(staticErrors(report)).toEqual([]);
    expect(runFindings(report)).toEqual(['RUN_OUTPUT_MISMATCH ops.json /0/outputs/0', 'RUN_OUTPUT_MISMATCH manifest.json /outputs/0']);
    expect(messageOf(report, 'RUN_OUTPUT_MISMATCH')).toBe(
      'op "reg" output 0 ("y") is a float32 tensor of shape [1, 3], declared extent 1 on axis 1 (["batch", 1])',
    );
  });

  it('--dim binds a symbolic dimension of the synthetic inputs (the produced shape shows it)', async () => {
    const report = await run(runnable(matmul(3, 3, { outputs: [{ name: 'y', elemType: FLOAT, shape: ['batch', 1] }] })), {
      dims: { batch: 5 },
    });
    expect(messageOf(report, 'RUN_OUTPUT_MISMATCH')).toContain('shape [5, 3]');
  });

  it('a two-op chain whose wiring disagrees at run time: b is not invoked on the [1, 2] value a hands it', async () => {
    const report = await run(chain(2, 3));
    expect(staticErrors(report)).toEqual([]);
    expect(runFindings(report)).toEqual(['RUN_INPUT_MISMATCH variant_config.json /nodes/1/inputs/0']);
    expect(messageOf(report, 'RUN_INPUT_MISMATCH')).toBe(
      '"h" reaches op "b" input 0 as a float32 tensor of shape [1, 2], declared extent 3 on axis 1 (["batch", 3])',
    );
    expect(messageOf(report, 'RUN_SUMMARY')).toContain("ran 1 of the pipeline's 2 node(s)");
  });

  it('a two-op chain whose wiring agrees runs both nodes', async () => {
    const report = await run(chain(3, 3));
    expect(runFindings(report)).toEqual([]);
    expect(messageOf(report, 'RUN_SUMMARY')).toContain("ran 2 of the pipeline's 2 node(s)");
  });

  it('a model with external data loads from the private folder, which is gone afterwards', async () => {
    const report = await run(externalData());
    expect(staticErrors(report)).toEqual([]);
    expect(runFindings(report)).toEqual([]);
    expect(messageOf(report, 'RUN_SUMMARY')).toContain('loaded 1 of 1');
    expect(runTemps()).toEqual([]);
  });

  it('external data missing from the artifact: the runtime refuses the model', async () => {
    const members = externalData();
    delete members['ops_artifacts/reg/w.bin'];
    members['ops_artifacts/reg/other.bin'] = new Uint8Array(12);
    const report = await run(members);
    expect(runFindings(report)).toContain('RUN_LOAD_FAILED ops.json /0');
    expect(runTemps()).toEqual([]);
  });

  it('fixed dimensions: synthetic inputs take the fixed extents, and a declared extent the model does not have is found', async () => {
    const fixed = matmul(3, 1, {
      inputs: [{ name: 'x', elemType: FLOAT, shape: [2, 3] }],
      outputs: [{ name: 'y', elemType: FLOAT, shape: [2, 1] }],
    });
    expect(runFindings(await run(runnable(fixed)))).toEqual([]);
    const wrong = await run(runnable(fixed, { inputs: [{ dtype: 'Array[float32]', shape: [4, 3] }] }));
    expect(runFindings(wrong)).toEqual(['RUN_IO_MISMATCH ops.json /0/inputs/0', 'RUN_FAILED variant_config.json /nodes/0']);
    expect(messageOf(wrong, 'RUN_IO_MISMATCH')).toBe('op "reg": ONNX Runtime sees "x" with extent 2 on axis 0 ([2, 3]), declared [4, 3]');
  });

  it('an op over --limit maxRunModel is refused before it is read (LIMIT_EXCEEDED on the model)', async () => {
    const report = await run(runnable(), { maxRunModel: 64 });
    expect(report.diagnostics.filter((d) => d.code === 'LIMIT_EXCEEDED').map((d) => `${d.member}`)).toEqual([
      'ops_artifacts/reg/model.onnx',
    ]);
    expect(messageOf(report, 'LIMIT_EXCEEDED')).toMatch(/more than maxRunModel \(64\); it was not read$/);
  });

  it('a hanging model is stopped at the timeout: RUN_TIMEOUT names the op, the private folder is removed', async () => {
    const members = runnable(endless());
    members['ops_artifacts/reg/pad.bin'] = new Uint8Array(8); // a file beside the model: the private folder is used
    const report = await run(members, { timeoutMs: 4000 });
    expect(runFindings(report)).toEqual(['RUN_TIMEOUT - ']);
    expect(messageOf(report, 'RUN_TIMEOUT')).toMatch(/while running op "reg"$/);
    expect(runTemps()).toEqual([]);
  });

  it('findings made before a timeout are kept: an op that failed to load, then one that hangs', async () => {
    const members = runnable(endless());
    const ops = members['ops.json'] as unknown[];
    const opset99 = { opsets: [{ domain: 'ai.onnx', version: 99 }], has_external_data: false, onnx_ir_version: 8 };
    members['ops.json'] = [onnxOp('bad', { attributes: opset99 }), ...ops];
    members['ops_artifacts/bad/model.onnx'] = encodeModel(matmul(3, 1, { opsets: [{ domain: '', version: 99 }] }));
    const report = await run(members, { timeoutMs: 4000 });
    expect(runFindings(report)).toEqual(['RUN_LOAD_FAILED ops.json /0', 'RUN_TIMEOUT - ']);
  });

  it('a runtime process that dies (killed here) is a RUN_CRASHED finding naming where it was, not a hang or a throw', async () => {
    const pending = run(runnable(endless()));
    const prefix = `TMPDIR=${join(tmpdir(), 'fnnx-kit-run-')}`;
    let pid: number | undefined;
    for (let i = 0; i < 400 && pid === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      pid = runtimeChildren(prefix)[0];
    }
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    const report = await pending;
    expect(runFindings(report)).toEqual(['RUN_CRASHED - ']);
    expect(messageOf(report, 'RUN_CRASHED')).toMatch(/^ONNX Runtime's process was killed by SIGKILL while /);
    expect(runTemps()).toEqual([]);
  });

  it('an artifact the run cannot read (no manifest.json): validate reports it, the run only notes that nothing ran', async () => {
    const members = runnable();
    delete members['manifest.json'];
    const report = await run(members);
    expect(report.diagnostics.map((d) => d.code)).toContain('ROOT_FILE_MISSING');
    expect(runFindings(report)).toEqual(['RUN_NOT_RUN manifest.json ']);
    expect(messageOf(report, 'RUN_NOT_RUN')).toMatch(/^nothing was run: required root file/);
  });

  it('a pyfunc variant: nothing to run end to end, said as a note', async () => {
    const members = runnable();
    (members['manifest.json'] as { variant: string }).variant = 'pyfunc';
    const report = await run(members);
    expect(runFindings(report)).toEqual(['RUN_NOT_RUN manifest.json /variant']);
    expect(messageOf(report, 'RUN_SUMMARY')).toMatch(/^onnxruntime-node \S+ loaded 1 of 1 ONNX_v1 op\(s\)$/);
  });
});

describe('validate --run on the corpus and through a URL', () => {
  let server: RangeServer;
  const served = tempDir('fnnx-run-serve-');
  beforeAll(async () => {
    server = await startRangeServer(served);
  });
  afterAll(async () => {
    await server.close();
  });

  it('the corpus pipeline (tar and directory): its four ops load and its four nodes run, nothing found', async () => {
    for (const target of [CORPUS_TAR, CORPUS_DIR]) {
      const report = await run(target);
      expect(runFindings(report)).toEqual([]);
      expect(messageOf(report, 'RUN_SUMMARY')).toContain("loaded 4 of 4 ONNX_v1 op(s), and ran 4 of the pipeline's 4 node(s)");
    }
  });

  it('the same verdicts through a URL as from the file and the directory form', async () => {
    const cases: Members[] = [runnable(), runnable(matmul(3, 1, { opsets: [{ domain: '', version: 99 }] })), chain(2, 3), externalData()];
    for (const [i, members] of cases.entries()) {
      const file = await fileOf(members);
      writeFileSync(join(served, `m${i}.fnnx`), await tarOf(members));
      const fromFile = runFindings(await run(file));
      expect(runFindings(await run(`${server.origin}/m${i}.fnnx`))).toEqual(fromFile);
      expect(runFindings(await run(writeDirArtifact(members)))).toEqual(fromFile);
    }
  });
});
