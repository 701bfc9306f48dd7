import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { runCliAsync } from './helpers/run-cli-async.js';
import { tempDir } from './helpers/paths.js';
import { validateTarget } from '../src/node/validate.js';
import { soundPipeline, tarOf, writeDirArtifact } from './helpers/validate-artifact.js';

const NOBODY = 65534;
const entry = (id: string) => ({ id, producer: 'tests', producer_version: '1', producer_tags: ['tests::report:v1'], payload: { n: id } });

/** A pid no process has: one that just exited (pids are reused only after the whole range wraps). */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(r.stdout.toString().trim());
}

const token = () => randomBytes(12).toString('hex');

async function artifactIn(dir: string): Promise<{ path: string; bytes: Buffer; end: number }> {
  const path = join(dir, 'model.fnnx');
  const bytes = Buffer.from(await tarOf(soundPipeline()));
  writeFileSync(path, bytes);
  let end = bytes.length;
  while (end >= 512 && bytes.subarray(end - 512, end).every((b) => b === 0)) end -= 512;
  writeFileSync(join(dir, 'e.json'), JSON.stringify(entry('next')));
  return { path, bytes, end };
}

function plantLock(path: string, record: object, owner?: number): void {
  writeFileSync(`${path}.lock`, JSON.stringify(record));
  if (owner !== undefined) chownSync(`${path}.lock`, owner, owner);
}

const stickies: string[] = [];
afterAll(() => stickies.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder anyone may write in, as /tmp is (1777), right under /tmp so another user reaches it. */
function stickyDir(): string {
  const dir = mkdtempSync('/tmp/fnnx-lock-sticky-');
  stickies.push(dir);
  chmodSync(dir, 0o1777);
  return dir;
}

/** The error line: it names the user's artifact, never the lock's own path. */
function firstLine(stderr: string): string {
  return stderr.split('\n')[0] ?? '';
}

describe("a dead writer's lock is acted on only when provably this user's own", () => {
  it('the red team\'s planted journal {"at":8192,"originalSize":1024,"undo":"/nonexistent"} is refused (FOREIGN_STATE, exit 2) naming the artifact; the artifact is byte-identical', async () => {
    const dir = tempDir('fnnx-lock-planted-');
    const { path, bytes } = await artifactIn(dir);
    const t = token();
    plantLock(path, { pid: deadPid(), host: hostname(), token: t, journal: { at: 8192, originalSize: 1024, undo: '/nonexistent' } });
    const r = await runCliAsync(['append-meta', path, '--entry', join(dir, 'e.json')]);
    expect(r.code, r.stderr).toBe(2);
    expect(firstLine(r.stderr)).toBe(
      `fnnx-kit: ${path} has a lock left by a writer that died, whose record of an unfinished write is not one fnnx-kit writes; it was not acted on, and nothing was changed (FOREIGN_STATE)`,
    );
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it("a well-formed journal whose undo file is another user's, or ours but not matching its digest, is refused; the artifact and the undo file are untouched", async () => {
    const dir = tempDir('fnnx-lock-undo-');
    const { path, bytes, end } = await artifactIn(dir);
    const ino = String(statSync(path, { bigint: true }).ino);
    const cases = [
      { owner: NOBODY, mode: 0o600, sealed: true, why: 'names an undo file that belongs to another user (uid 65534)' },
      { owner: 0, mode: 0o644, sealed: true, why: 'names an undo file that has mode 0644, not the private mode (0600)' },
      { owner: 0, mode: 0o600, sealed: false, why: 'names undo bytes that do not match their digest' },
    ];
    for (const c of cases) {
      const t = token();
      // What the undo would put back: another user's bytes, as the red team's /etc/shadow stand-in.
      const undoBytes = Buffer.alloc(bytes.length - end, 0x41);
      const undo = `${path}.lock.${t}.undo`;
      writeFileSync(undo, undoBytes, { mode: c.mode });
      chmodSync(undo, c.mode);
      chownSync(undo, c.owner, c.owner);
      const digest = createHash('sha256')
        .update(t)
        .update(c.sealed ? undoBytes : Buffer.from('other'))
        .digest('hex');
      plantLock(path, {
        pid: deadPid(),
        host: hostname(),
        token: t,
        journal: { at: end, originalSize: bytes.length, ino, undoSha256: digest, token: t },
      });
      const r = await runCliAsync(['append-meta', path, '--entry', join(dir, 'e.json')]);
      expect(r.code, r.stderr).toBe(2);
      expect(firstLine(r.stderr)).toContain(`${path} has a lock left by a writer that died, whose record of an unfinished write ${c.why}`);
      expect(firstLine(r.stderr)).not.toContain('.lock');
      expect(readFileSync(path).equals(bytes)).toBe(true);
      expect(readFileSync(undo).equals(undoBytes)).toBe(true);
      rmSync(undo);
    }
  });

  it("another user's lock with a journal is refused before its journal is read for anything", async () => {
    const dir = tempDir('fnnx-lock-theirs-');
    const { path, bytes } = await artifactIn(dir);
    plantLock(path, { pid: deadPid(), host: hostname(), token: token(), journal: { at: 0, originalSize: 0 } }, NOBODY);
    const r = await runCliAsync(['append-meta', path, '--entry', join(dir, 'e.json')]);
    expect(r.code, r.stderr).toBe(2);
    expect(firstLine(r.stderr)).toContain('whose record of an unfinished write belongs to another user (uid 65534)');
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('a stale lock with no journal (nothing was under way) is broken and the append goes ahead', async () => {
    const dir = tempDir('fnnx-lock-plain-');
    const { path } = await artifactIn(dir);
    plantLock(path, { pid: deadPid(), host: hostname(), token: token() });
    const r = await runCliAsync(['append-meta', path, '--entry', join(dir, 'e.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['e.json', 'model.fnnx']);
  });
});

describe('every lock wait ends', () => {
  it("another user's stale lock in a sticky folder, which this user cannot remove: append-meta ends LOCKED within its 10 s using little CPU; pack -o and download -o end LOCKED at once", async () => {
    const dir = stickyDir();
    const { path } = await artifactIn(dir);
    chownSync(path, NOBODY, NOBODY);
    chmodSync(join(dir, 'e.json'), 0o644);
    plantLock(path, { pid: deadPid(), host: hostname(), token: token() }, 0);
    const times = join(tempDir(), 'time.txt');
    const r = await runCliAsync(['append-meta', path, '--entry', join(dir, 'e.json')], {
      wrap: ['/usr/bin/time', '-f', '%U %S %e', '-o', times, 'runuser', '-u', 'nobody', '--'],
    });
    expect(r.code, r.stderr).toBe(2);
    expect(firstLine(r.stderr)).toMatch(
      /is being written by process \d+ on .* \(it is not running, and its lock could not be removed\); nothing was written \(LOCKED\)$/,
    );
    const [user, sys, elapsed] = readFileSync(times, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    // The documented wait is 10 s; a spin would burn about as much CPU as it waits. Wide margins for a loaded CI.
    expect(elapsed).toBeGreaterThanOrEqual(9.5);
    expect(elapsed).toBeLessThan(40);
    expect(user! + sys!).toBeLessThan(elapsed! / 2);

    // The folder to pack where nobody can read it: beside the output.
    const folder = join(dir, 'src');
    execFileSync('cp', ['-r', writeDirArtifact(soundPipeline()), folder]);
    execFileSync('chmod', ['-R', 'a+rX', folder]);
    const out = join(dir, 'packed.fnnx');
    plantLock(out, { pid: deadPid(), host: hostname(), token: token() }, 0);
    const p = await runCliAsync(['pack', folder, '-o', out], { wrap: ['runuser', '-u', 'nobody', '--'] });
    expect(p.code, p.stderr).toBe(2);
    expect(p.stderr).toMatch(/\(LOCKED\)/);
    const d = await runCliAsync(['download', 'http://127.0.0.1:9/m.fnnx', '-o', out], { wrap: ['runuser', '-u', 'nobody', '--'] });
    expect(d.code, d.stderr).toBe(2);
    expect(d.stderr).toMatch(/\(LOCKED\)/);
  }, 60_000);
});

describe('lock temp files do not survive a crash', () => {
  it('a <f>.lock.<hex> left by a writer killed between writing its record and linking it is removed by the next holder; one of a live process is kept', async () => {
    const dir = tempDir('fnnx-lock-temps-');
    const { path } = await artifactIn(dir);
    const dead = `${path}.lock.${token()}`;
    const live = `${path}.lock.${token()}`;
    writeFileSync(dead, JSON.stringify({ pid: deadPid(), host: hostname(), token: dead.slice(-24) }));
    writeFileSync(live, JSON.stringify({ pid: process.pid, host: hostname(), token: live.slice(-24) }));
    const r = await runCliAsync(['append-meta', path, '--entry', join(dir, 'e.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

describe('a writer killed (SIGKILL) at its write points', () => {
  /** The names an append creates, in order; each round kills it as one of them appears. */
  const POINTS: Array<[string, RegExp]> = [
    ['lock temp', /\.lock\.[0-9a-f]{24}$/],
    ['lock', /\.lock$/],
    ['undo', /\.undo$/],
    ['artifact write', /^model\.fnnx$/],
  ];

  it('leaves nothing the next append cannot recover: after every kill the next append succeeds, and no lock, lock temp, break or undo file survives', async () => {
    const dir = tempDir('fnnx-lock-kill-');
    const { path } = await artifactIn(dir);
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(8 << 20, 5));
    const hit: string[] = [];
    for (let round = 0; round < 8; round++) {
      const [label, pattern] = POINTS[round % POINTS.length]!;
      writeFileSync(join(dir, `k${round}.json`), JSON.stringify(entry(`killed-${round}`)));
      const watcher = watch(dir);
      const killed = await runCliAsync(
        ['append-meta', path, '--entry', join(dir, `k${round}.json`), '--attach', `big.bin=${join(dir, 'big.bin')}`],
        {
          onSpawn: (child) =>
            watcher.on('change', (_event, name) => {
              if (typeof name === 'string' && pattern.test(name) && child.exitCode === null && !child.killed) {
                child.kill('SIGKILL');
                hit.push(label);
              }
            }),
        },
      );
      watcher.close();
      expect(killed.stderr).not.toMatch(/INTERNAL/);
      writeFileSync(join(dir, `n${round}.json`), JSON.stringify(entry(`next-${round}`)));
      const next = await runCliAsync(['append-meta', path, '--entry', join(dir, `n${round}.json`)]);
      expect(next.code, `round ${round} (${label}): ${next.stderr}`).toBe(0);
      expect(readdirSync(dir).filter((n) => /\.lock|\.undo|\.break/.test(n))).toEqual([]);
    }
    const report = await validateTarget(path, { forUpload: true });
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    console.log(`killed at: ${hit.join(', ')}`);
    expect(hit.length).toBeGreaterThan(0);
  }, 300_000);
});
