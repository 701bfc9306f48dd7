import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, cpSync, existsSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { CORPUS_TAR, MINIMAL_DIR, removeTempDirs, tempDir } from './helpers/paths.js';
import { runCli } from './helpers/cli.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { startRangeServer } from './helpers/range-server.js';
import { sha256File } from './helpers/build-fixtures.js';
import { endProgressLine, progressBar } from '../src/cli/progress.js';
import { modelSpec, writeHugeModel } from './helpers/onnx-model.mjs';

/** A sparse file: gigabytes to read and write, no disk taken until written. */
const BIG = 4 * 1024 ** 3;
/** The signal goes once this much has been written: the command is then surely mid-write. */
const MID_WRITE = 64 * 1024 ** 2;

afterAll(removeTempDirs);

/** Sends `signal` to the child once `written()` reaches `atBytes`. */
function signalMidWrite(signal: NodeJS.Signals, written: () => number, atBytes = MID_WRITE): (child: ChildProcess) => void {
  return (child) => {
    const poll = setInterval(() => {
      if (written() < atBytes) return;
      clearInterval(poll);
      child.kill(signal);
    }, 5);
    child.on('close', () => clearInterval(poll));
  };
}

/** What pack --no-check always says first. */
const afterWarning = (stderr: string) => stderr.replace(/^fnnx-kit: warning: --no-check: .*\n/, '');

const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);

/** The largest file named by `match` anywhere under `dir` (0 when none). */
function largestUnder(dir: string, match: (name: string) => boolean): number {
  let most = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && match(e.name)) most = Math.max(most, sizeOf(join(e.parentPath, e.name)));
  }
  return most;
}

/** Every file and folder under `dir`, as paths relative to it. */
const treeOf = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

/** A folder holding the minimal model and a sparse file of `size` bytes. */
function bigModelDir(parent: string, size = BIG): string {
  const src = join(parent, 'model');
  cpSync(MINIMAL_DIR, src, { recursive: true });
  writeFileSync(join(src, 'big.bin'), '');
  truncateSync(join(src, 'big.bin'), size);
  return src;
}

describe('Ctrl-C and SIGTERM', () => {
  it('pack: SIGINT mid-write removes the partial file and the lock, prints one line, exits 130', async () => {
    const dir = tempDir();
    const src = bigModelDir(dir);
    const out = join(dir, 'm.fnnx');
    const partial = () => readdirSync(dir).find((n) => n.endsWith('.partial'));
    const r = await runCliAsync(['pack', src, '-o', out, '--no-check', '-q'], {
      onSpawn: signalMidWrite('SIGINT', () => {
        const p = partial();
        return p ? sizeOf(join(dir, p)) : 0;
      }),
    });
    expect(r.code, r.stderr).toBe(130);
    expect(afterWarning(r.stderr)).toBe('fnnx-kit: interrupted (SIGINT)\n');
    expect(readdirSync(dir).sort()).toEqual(['model']);
  });

  it('pack: SIGTERM mid-write ends it the same way with exit 143', async () => {
    const dir = tempDir();
    const src = bigModelDir(dir);
    const r = await runCliAsync(['pack', src, '-o', join(dir, 'm.fnnx'), '--no-check', '-q'], {
      onSpawn: signalMidWrite('SIGTERM', () => {
        const p = readdirSync(dir).find((n) => n.endsWith('.partial'));
        return p ? sizeOf(join(dir, p)) : 0;
      }),
    });
    expect(r.code, r.stderr).toBe(143);
    expect(afterWarning(r.stderr)).toBe('fnnx-kit: interrupted (SIGTERM)\n');
    expect(readdirSync(dir).sort()).toEqual(['model']);
  });

  it('append-meta: SIGINT mid-append undoes it (target byte-identical), no lock or undo file left, exit 130', async () => {
    const dir = tempDir();
    const target = join(dir, 'model.fnnx');
    copyFileSync(CORPUS_TAR, target);
    const before = sha256File(target);
    const original = statSync(target).size;
    writeFileSync(
      join(dir, 'entry.json'),
      JSON.stringify({ id: 'report', producer: 'tests', producer_version: '1', producer_tags: ['tests::r:v1'], payload: {} }),
    );
    writeFileSync(join(dir, 'big.bin'), '');
    truncateSync(join(dir, 'big.bin'), BIG);
    const r = await runCliAsync(
      ['append-meta', target, '--entry', join(dir, 'entry.json'), '--attach', `big.bin=${join(dir, 'big.bin')}`],
      {
        onSpawn: signalMidWrite('SIGINT', () => sizeOf(target) - original),
      },
    );
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toBe('fnnx-kit: interrupted (SIGINT)\n');
    expect(sha256File(target)).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['big.bin', 'entry.json', 'model.fnnx']);
  });

  it('new: SIGINT while the model is copied removes the staging folder; no artifact folder appears, exit 130', async () => {
    const dir = tempDir();
    const model = join(dir, 'huge.onnx');
    writeHugeModel(model, modelSpec(), 2, 1 << 30);
    const r = await runCliAsync(['new', join(dir, 'model'), '--onnx', model], {
      onSpawn: signalMidWrite('SIGINT', () => largestUnder(dir, (n) => n === 'model.onnx')),
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toBe('fnnx-kit: interrupted (SIGINT)\n');
    expect(readdirSync(dir)).toEqual(['huge.onnx']);
  });

  it('card add: SIGINT while the card zip is built removes its temporary folder; the target is unchanged, exit 130', async () => {
    const dir = tempDir();
    const tmp = tempDir('fnnx-card-tmp-');
    const target = join(dir, 'model.fnnx');
    copyFileSync(CORPUS_TAR, target);
    const before = sha256File(target);
    writeFileSync(join(dir, 'card.html'), '<h1>card</h1>');
    // Random bytes do not compress: the zip grows as it is built.
    writeFileSync(join(dir, 'weights.bin'), randomBytes(200 * 1024 ** 2));
    const r = await runCliAsync(['card', 'add', target, join(dir, 'card.html'), '--asset', join(dir, 'weights.bin')], {
      env: { ...process.env, TMPDIR: tmp },
      onSpawn: signalMidWrite('SIGINT', () => largestUnder(tmp, (n) => n === 'model_card.zip'), 8 * 1024 ** 2),
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toBe('fnnx-kit: interrupted (SIGINT)\n');
    expect(readdirSync(tmp)).toEqual([]);
    expect(sha256File(target)).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['card.html', 'model.fnnx', 'weights.bin']);
  });

  it('extract: SIGTERM mid-member removes the member being written, exit 143', async () => {
    const dir = tempDir();
    const artifact = join(dir, 'big.fnnx');
    // Packed for real (not sparse): a size the test writes quickly that still takes a while to extract.
    const packed = runCli(['pack', bigModelDir(dir, 768 * 1024 ** 2), '-o', artifact, '--no-check', '-q']);
    expect(packed.code, packed.stderr).toBe(0);
    const into = join(dir, 'out');
    const r = await runCliAsync(['extract', artifact, '-C', into, '-q'], {
      onSpawn: signalMidWrite('SIGTERM', () => (existsSync(into) ? largestUnder(into, (n) => n.endsWith('.part')) : 0)),
    });
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toBe('fnnx-kit: interrupted (SIGTERM)\n');
    expect(treeOf(into).filter((n) => n.endsWith('.part') || n.endsWith('big.bin'))).toEqual([]);
  });

  it('download: SIGTERM mid-transfer keeps the resumable part, says how to resume, exit 143', async () => {
    const root = tempDir();
    const size = 8 * 1024 ** 2;
    writeFileSync(join(root, 'model.fnnx'), randomBytes(size));
    const server = await startRangeServer(root);
    try {
      // The server stalls at half: only the signal ends the run.
      server.inject({ kind: 'stall', afterBytes: size / 2 });
      const file = join(tempDir(), 'd.fnnx');
      const r = await runCliAsync(['download', server.url('model.fnnx'), '-o', file], {
        onSpawn: signalMidWrite('SIGTERM', () => sizeOf(`${file}.part`), size / 4),
      });
      expect(r.code, r.stderr).toBe(143);
      expect(r.stderr).toMatch(/^fnnx-kit: interrupted \(SIGTERM\)\n {2}hint: .*run the same command again to resume\n$/);
      expect(existsSync(file)).toBe(false);
      expect(sizeOf(`${file}.part`)).toBeGreaterThanOrEqual(size / 4);
    } finally {
      await server.close();
    }
  });
});

describe('the progress line on an interrupt', () => {
  it('is ended with a newline, its last frame kept; the bar then clears nothing', () => {
    let out = '';
    const stream = { isTTY: true, write: (s: string) => void (out += s) } as unknown as NodeJS.WriteStream;
    const bar = progressBar('pack', 100, { stream });
    bar.update(40);
    endProgressLine();
    bar.finish();
    expect(out).toMatch(/\r\x1b\[K.*pack.*\n$/);
    endProgressLine();
    expect(out.endsWith('\n\n')).toBe(false);
  });
});
