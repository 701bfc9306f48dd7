import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, cpSync, existsSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { CORPUS_TAR, MINIMAL_DIR, removeTempDirs, tempDir } from './helpers/paths.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { sha256File } from './helpers/build-fixtures.js';

/** A sparse file: gigabytes to read and write, no disk taken until written. */
const BIG = 4 * 1024 ** 3;
/** The signal goes once this much has been written: the command is then surely mid-write. */
const MID_WRITE = 64 * 1024 ** 2;

afterAll(removeTempDirs);

/** Sends `signal` to the child once `written()` passes MID_WRITE. */
function signalMidWrite(signal: NodeJS.Signals, written: () => number): (child: ChildProcess) => void {
  return (child) => {
    const poll = setInterval(() => {
      if (written() < MID_WRITE) return;
      clearInterval(poll);
      child.kill(signal);
    }, 5);
    child.on('close', () => clearInterval(poll));
  };
}

/** What pack --no-check always says first. */
const afterWarning = (stderr: string) => stderr.replace(/^fnnx-kit: warning: --no-check: .*\n/, '');

const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);

describe('Ctrl-C and SIGTERM', () => {
  it('pack: SIGINT mid-write removes the partial file and the lock, prints one line, exits 130', async () => {
    const dir = tempDir();
    const src = join(dir, 'model');
    cpSync(MINIMAL_DIR, src, { recursive: true });
    writeFileSync(join(src, 'big.bin'), '');
    truncateSync(join(src, 'big.bin'), BIG);
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
    const src = join(dir, 'model');
    cpSync(MINIMAL_DIR, src, { recursive: true });
    writeFileSync(join(src, 'big.bin'), '');
    truncateSync(join(src, 'big.bin'), BIG);
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
});
