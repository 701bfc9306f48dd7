/**
 * `fnnx-kit validate --run` as a user runs it: the runtime is an optional peer (a package without
 * it validates as before, and --run says how to install it), --timeout stops a hung runtime with
 * a finding, Ctrl-C leaves no folder and no runtime process behind, model strings are escaped.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLOAT } from './helpers/onnx-model.mjs';
import { BIN, runCli } from './helpers/cli.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { tempDir } from './helpers/paths.js';
import { endless, matmul, runnable } from './helpers/run-models.js';
import { tarOf, type Members } from './helpers/validate-artifact.js';

/** What a run left in its TMPDIR (Node's compile cache is pinned elsewhere: test/global-setup.ts). */
const leftIn = (tmp: string) => readdirSync(tmp);

const ROOT = join(BIN, '../..');

async function fileOf(members: Members): Promise<string> {
  const path = join(tempDir('fnnx-run-cli-'), 'model.fnnx');
  writeFileSync(path, await tarOf(members));
  return path;
}

/** The endless model with a file beside it, so the run goes through the private folder. */
async function hangingFile(): Promise<string> {
  const members = runnable(endless());
  members['ops_artifacts/reg/pad.bin'] = new Uint8Array(8);
  return fileOf(members);
}

/** Processes running the runtime's child script in a private folder under `tmp` (their TMPDIR). */
function runtimeChildrenIn(tmp: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('run-child.js')) continue;
      if (
        readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .some((v) => v.startsWith(`TMPDIR=${tmp}/`))
      )
        pids.push(Number(pid));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

async function until(what: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !what();) {
    if (Date.now() > end) throw new Error('waited too long');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The CLI at `bin` (another copy of the package), as runCli runs the project's own. */
function runBin(bin: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('fnnx-kit validate --run', () => {
  it('without onnxruntime-node installed: validate works as before, and --run is one clear error (exit 2) saying how to install it', async () => {
    const pkg = join(tempDir('fnnx-run-nopeer-'), 'fnnx-kit');
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(pkg, part), { recursive: true });
    const bin = join(pkg, 'bin/fnnx-kit.cjs');
    const file = await fileOf(runnable());
    expect(runBin(bin, ['validate', file])).toMatchObject({ code: 0 });
    const r = runBin(bin, ['validate', '--run', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('validate --run needs onnxruntime-node, which cannot be loaded');
    expect(r.stderr).toContain('(RUN_RUNTIME_MISSING)');
    expect(r.stderr).toContain('ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node');
  });

  it('--json carries the RUN_* findings like every other finding; exit 1 when the runtime finds an error', async () => {
    const file = await fileOf(runnable(matmul(3, 1, { opsets: [{ domain: '', version: 99 }] })));
    const r = runCli(['validate', '--run', '--json', file]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { valid: boolean; diagnostics: Array<{ code: string; severity: string; member: string }> };
    expect(report.valid).toBe(false);
    expect(report.diagnostics.filter((d) => d.code.startsWith('RUN_')).map((d) => `${d.code} ${d.severity}`)).toEqual([
      'RUN_LOAD_FAILED error',
      'RUN_NOT_RUN info',
      'RUN_SUMMARY info',
    ]);
  });

  it('a malformed --dim is a usage error (exit 2), before anything is read', () => {
    const r = runCli(['validate', '--run', '--dim', 'batch=0', 'no-such-file.fnnx']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dim takes name=value with a whole number of at least 1, not "batch=0" (BAD_OPTION)');
  });

  it('names and runtime messages from the model are escaped before the terminal', async () => {
    const evil = 'y\u001b]0;owned\u0007\u001b[2J';
    const spec = matmul(3, 1, {
      outputs: [{ name: evil, elemType: FLOAT, shape: ['batch', 1] }],
      nodes: [{ opType: 'MatMul', inputs: ['x', 'w'], outputs: [evil] }],
    });
    // Two outputs declared, one in the model: the finding lists the model's output names.
    const port = { dtype: 'Array[float32]', shape: ['batch', 1] };
    const file = await fileOf(runnable(spec, { outputs: [port, port] }));
    const r = runCli(['validate', '--run', file]);
    expect(r.stdout).toContain('RUN_IO_MISMATCH');
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('--timeout stops a hung runtime with a RUN_TIMEOUT finding naming the op (exit 1, the report printed), leaving no folder behind', async () => {
    const tmp = tempDir('fnnx-run-tmp-');
    const r = await runCliAsync(['validate', '--run', '--timeout', '4', await hangingFile()], { env: { ...process.env, TMPDIR: tmp } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error +RUN_TIMEOUT: ONNX Runtime did not finish within the timeout \([\d.]+ s\) while running op "reg"/);
    expect(leftIn(tmp)).toEqual([]);
    expect(runtimeChildrenIn(tmp)).toEqual([]);
  });

  it('SIGINT while the runtime runs: the private folder is removed and the runtime process ends with the command', async () => {
    const tmp = tempDir('fnnx-run-tmp-');
    const file = await hangingFile();
    let started: Promise<void> | undefined;
    const r = await runCliAsync(['validate', '--run', file], {
      env: { ...process.env, TMPDIR: tmp },
      onSpawn: (child) => {
        started = until(() => runtimeChildrenIn(tmp).length > 0 && readdirSync(tmp).some((n) => n.startsWith('fnnx-kit-run-'))).then(
          async () => {
            // The model copied into the folder: the runtime is loading or running it.
            await until(() => leftIn(tmp).some((n) => readdirSync(join(tmp, n)).length > 0));
            child.kill('SIGINT');
          },
        );
      },
    });
    await started;
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('fnnx-kit: interrupted (SIGINT)\n');
    expect(leftIn(tmp)).toEqual([]);
    await until(() => runtimeChildrenIn(tmp).length === 0, 5000);
  });
});
