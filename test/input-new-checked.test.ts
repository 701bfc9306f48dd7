/**
 * `new`, `extract` and `card add` read only regular files they can vouch for: external data is
 * resolved one segment at a time below the model's folder (no link, file or folder, is followed),
 * no FIFO or device makes an open block, and folders are made one component at a time (procfs,
 * where Node's recursive mkdir loops forever, is a typed error). Every child runs with a timeout,
 * so a regression fails the test instead of hanging it.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from './helpers/cli.js';
import { FLOAT, encodeModel, modelSpec } from './helpers/onnx-model.mjs';
import { soundPipeline, writeDirArtifact } from './helpers/validate-artifact.js';
import { tempDir } from './helpers/paths.js';
import { planCardFiles, cardZipFile } from '../src/node/card-zip.js';

/** The CLI, killed after 60 s: a hang shows as status null, not as a stuck test run. */
function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { timeout: 60_000, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

const SECRET = 'outside secret: twelve+';

/** A model keeping tensor `w` in `location` (relative to the model), 12 bytes. */
function modelWithData(location: string): { work: string; model: string; outside: string } {
  const work = tempDir();
  const modelDir = join(work, 'model');
  mkdirSync(modelDir);
  const model = join(modelDir, 'm.onnx');
  writeFileSync(model, encodeModel(modelSpec({ initializers: [{ name: 'w', external: { location, offset: 0, length: 12 } }] })));
  const outside = join(work, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'weights.bin'), SECRET, { mode: 0o600 });
  return { work, model, outside };
}

describe('new: external data is a regular file below the model, never reached through a link', () => {
  it('refuses external data that is a symbolic link to a file outside (NOT_A_FILE, exit 2), copying nothing', () => {
    const m = modelWithData('weights.bin');
    symlinkSync(join(m.outside, 'weights.bin'), join(m.work, 'model/weights.bin'));
    const out = join(m.work, 'out');
    const r = run(['new', out, '--onnx', m.model]);
    expect(r.stderr).toMatch(/model\/weights\.bin is a symbolic link, not a regular file[\s\S]*\(NOT_A_FILE\)/);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses external data reached through a folder symlink (sub -> ../outside), naming the link', () => {
    const m = modelWithData('sub/weights.bin');
    symlinkSync(m.outside, join(m.work, 'model/sub'));
    const out = join(m.work, 'out');
    const r = run(['new', out, '--onnx', m.model]);
    expect(r.stderr).toMatch(/sub\/weights\.bin reached through \S*model\/sub, a symbolic link[\s\S]*\(NOT_A_FILE\)/);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses external data that is a FIFO at once, without blocking on it', () => {
    const m = modelWithData('weights.bin');
    execFileSync('mkfifo', [join(m.work, 'model/weights.bin')]);
    const out = join(m.work, 'out');
    const r = run(['new', out, '--onnx', m.model]);
    expect(r.stderr).toMatch(/weights\.bin is a FIFO, not a regular file[\s\S]*\(NOT_A_FILE\)/);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses external data that is a device node (/dev/zero's, endless) without reading it (CI runs as root)", () => {
    const m = modelWithData('weights.bin');
    execFileSync('mknod', [join(m.work, 'model/weights.bin'), 'c', '1', '5']);
    const out = join(m.work, 'out');
    const r = run(['new', out, '--onnx', m.model]);
    expect(r.stderr).toMatch(/weights\.bin is a device, not a regular file[\s\S]*\(NOT_A_FILE\)/);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('still copies external data in a real subfolder below the model', () => {
    const m = modelWithData('sub/weights.bin');
    mkdirSync(join(m.work, 'model/sub'));
    writeFileSync(join(m.work, 'model/sub/weights.bin'), Buffer.alloc(12, 7));
    const out = join(m.work, 'out');
    const r = run(['new', out, '--onnx', m.model]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(join(out, 'ops_artifacts/m/sub'))).toEqual(['weights.bin']);
  });

  it('refuses a model path that is a FIFO without blocking (NOT_A_FILE)', () => {
    const work = tempDir();
    execFileSync('mkfifo', [join(work, 'm.onnx')]);
    const r = run(['new', join(work, 'out'), '--onnx', join(work, 'm.onnx')]);
    expect(r.stderr).toMatch(/m\.onnx is a FIFO, not a regular file[\s\S]*\(NOT_A_FILE\)/);
    expect(r.code).toBe(2);
  });
});

describe('new refuses, before writing, what pack would refuse', () => {
  it('a model with 100,000 graph inputs: LIMIT_EXCEEDED (exit 1), and no folder is written', () => {
    const work = tempDir();
    const inputs = Array.from({ length: 100_000 }, (_, i) => ({ name: `x${i}`, elemType: FLOAT, shape: ['batch', 3] }));
    const model = join(work, 'wide.onnx');
    writeFileSync(model, encodeModel(modelSpec({ inputs, nodes: [{ opType: 'Identity' }] })));
    const out = join(work, 'out');
    const r = run(['new', out, '--onnx', model]);
    expect(r.stderr).toMatch(/past 1000000 values[\s\S]*nothing was written \(LIMIT_EXCEEDED\)[\s\S]*pack refuses/);
    expect(r.code).toBe(1);
    expect(readdirSync(work)).toEqual(['wide.onnx']);
  });
});

describe('folders made one component at a time (procfs made Node’s recursive mkdir spin forever)', () => {
  it('new /proc/<missing>/y ends with NOT_FOUND naming the folder it could not make', () => {
    const work = tempDir();
    const model = join(work, 'm.onnx');
    writeFileSync(model, encodeModel(modelSpec()));
    const r = run(['new', '/proc/fnnx-kit-none/y', '--onnx', model]);
    expect(r.stderr).toMatch(/cannot create the folder \/proc\/fnnx-kit-none: no such file or directory \(NOT_FOUND\)/);
    expect(r.code).toBe(2);
  });

  it('extract -C /proc/<missing> ends with BAD_TARGET', () => {
    const src = writeDirArtifact(soundPipeline());
    const artifact = join(tempDir(), 'a.fnnx');
    expect(run(['pack', src, '-o', artifact, '-q']).code).toBe(0);
    const r = run(['extract', artifact, '-C', '/proc/fnnx-kit-none']);
    expect(r.stderr).toMatch(/cannot use \/proc\/fnnx-kit-none as the extraction directory[\s\S]*\(BAD_TARGET\)/);
    expect(r.code).toBe(2);
  });
});

describe('extract and card add: special files and swaps', () => {
  it('extract, inspect, describe and validate refuse a FIFO given as the artifact at once (NOT_A_FILE), never waiting on it', () => {
    const work = tempDir();
    execFileSync('mkfifo', [join(work, 'a.fnnx')]);
    for (const args of [['extract', '-C', join(work, 'out')], ['inspect'], ['describe'], ['validate']]) {
      const [command, ...rest] = args as [string, ...string[]];
      const r = run([command, join(work, 'a.fnnx'), ...rest]);
      expect(r.stderr, command).toMatch(/a\.fnnx is a FIFO, not a regular file; inputs are read from regular files only \(NOT_A_FILE\)/);
      expect(r.code, command).toBe(2);
    }
  });

  it('a card file swapped for a link or a FIFO after planning is refused (SOURCE_CHANGED), never read', async () => {
    const work = tempDir();
    writeFileSync(join(work, 'outside.png'), SECRET);
    for (const swap of ['link', 'fifo'] as const) {
      const asset = join(work, `${swap}.png`);
      writeFileSync(asset, 'x'.repeat(SECRET.length));
      const planned = await planCardFiles([{ name: 'asset.png', path: asset }]);
      execFileSync('rm', [asset]);
      if (swap === 'link') symlinkSync(join(work, 'outside.png'), asset);
      else execFileSync('mkfifo', [asset]);
      await expect(cardZipFile(planned)).rejects.toMatchObject({
        code: 'SOURCE_CHANGED',
        message: expect.stringContaining(swap === 'link' ? 'now a symbolic link' : 'now a FIFO'),
      });
    }
  });
});
